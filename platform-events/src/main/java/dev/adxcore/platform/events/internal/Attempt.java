package dev.adxcore.platform.events.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One handler call, finished either by its worker or by the watchdog, whichever comes first. Internal.
 */
final class Attempt {
    private static final int RUNNING = 0;
    private static final int DONE = 1;
    private static final int TIMED_OUT = 2;

    final Delivery delivery;
    final Consumer consumer;
    final Thread thread;
    final long deadlineNanos;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Attempt.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state = RUNNING;

    Attempt(Delivery delivery, Consumer consumer, Thread thread, long deadlineNanos) {
        this.delivery = delivery;
        this.consumer = consumer;
        this.thread = thread;
        this.deadlineNanos = deadlineNanos;
    }

    /**
     * Called by the worker when the handler returned.
     *
     * @return true if the worker owns the outcome; false if the watchdog timed the call out (then any
     *     interrupt it sent has already been delivered)
     */
    boolean finish() {
        if (STATE.compareAndSet(this, RUNNING, DONE)) {
            return true;
        }
        synchronized (this) {
            return false; // waits until the watchdog's interrupt has been sent
        }
    }

    /**
     * Called by the watchdog past the deadline: takes the outcome over and interrupts the handler.
     *
     * @return true if the call was timed out by this call
     */
    synchronized boolean timeOut() {
        if (STATE.compareAndSet(this, RUNNING, TIMED_OUT)) {
            thread.interrupt();
            return true;
        }
        return false;
    }
}
