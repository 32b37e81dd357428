package dev.adxcore.platform.events.internal.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One handler call, finished by its worker, by the watchdog (timeout) or by a stop (interrupted because the
 * consumer is closing), whichever comes first. Internal.
 */
final class Attempt {
    static final int RUNNING = 0;
    static final int DONE = 1;
    static final int TIMED_OUT = 2;
    static final int STOPPED = 3;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Attempt.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Delivery delivery;
    final Member member;
    final Thread thread;
    final long startNanos;
    final long deadlineNanos;

    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state = RUNNING;

    Attempt(Delivery delivery, Member member, Thread thread, long startNanos) {
        this.delivery = delivery;
        this.member = member;
        this.thread = thread;
        this.startNanos = startNanos;
        this.deadlineNanos = startNanos + member.timeoutNanos;
    }

    /**
     * Called by the worker when the handler returned.
     *
     * @return {@link #DONE} if the worker owns the outcome; {@link #TIMED_OUT} or {@link #STOPPED} if another
     *     thread took it over (then any interrupt it sent has already been delivered)
     */
    int finish() {
        if (STATE.compareAndSet(this, RUNNING, DONE)) {
            return DONE;
        }
        synchronized (this) {
            return (int) STATE.getVolatile(this); // waits until the interrupt has been sent
        }
    }

    /**
     * Takes the outcome over and interrupts the handler.
     *
     * @param to {@link #TIMED_OUT} or {@link #STOPPED}
     * @return true if this call took it over
     */
    synchronized boolean takeOver(int to) {
        if (STATE.compareAndSet(this, RUNNING, to)) {
            thread.interrupt();
            return true;
        }
        return false;
    }
}
