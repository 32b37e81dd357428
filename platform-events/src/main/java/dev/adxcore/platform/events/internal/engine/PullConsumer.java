package dev.adxcore.platform.events.internal.engine;

import dev.adxcore.platform.events.DeadLetter;
import dev.adxcore.platform.events.EventSubscription;
import dev.adxcore.platform.events.spi.ConsumerSettings;
import dev.adxcore.platform.events.spi.ConsumerTransport;
import dev.adxcore.platform.events.spi.EngineConsumer;
import dev.adxcore.platform.events.spi.Inbound;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer whose records a transport fetches: one fetch thread calling {@link ConsumerTransport#fetch} while
 * fewer than {@code maxInFlight} records are in flight, handing each to its {@link Lanes} (or acknowledging it
 * at once when the subscription does not want it). The fetch loop never exits while the consumer runs: a
 * failure is counted, logged (the first, then every 50th), followed by a backoff (50 ms doubling to 2 s).
 * Thread-safe. Costs one fetch thread while it runs and up to {@code maxInFlight} records in memory. Internal.
 *
 * @param <R> the transport's record handle
 */
public final class PullConsumer<R> implements EngineConsumer<R>, Sink {

    private static final Logger log = LoggerFactory.getLogger(PullConsumer.class);
    private static final long SPACE_WAIT_MILLIS = 100;

    private final Engine engine;
    private final EventSubscription subscription;
    private final ConsumerTransport<R> transport;
    private final ConsumerSettings settings;
    private final Duration defaultCloseTimeout;
    private final Member member;
    private final Lanes lanes;
    private final Thread loop;
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final CompletableFuture<Boolean> terminated = new CompletableFuture<>();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final Object space = new Object();
    private volatile boolean waitingForSpace;
    private volatile boolean running = true;
    private volatile long closeDeadline;
    private volatile long heartbeatNanos = System.nanoTime();
    private volatile int consecutiveFailures;
    private volatile @Nullable String lastError;

    /**
     * Creates and starts the consumer.
     *
     * @param engine the engine
     * @param subscription the subscription
     * @param transport the transport
     * @param settings concurrency, in-flight limit, thread name
     * @param defaultCloseTimeout what {@link #close()} waits for running handlers
     */
    public PullConsumer(
            Engine engine,
            EventSubscription subscription,
            ConsumerTransport<R> transport,
            ConsumerSettings settings,
            Duration defaultCloseTimeout) {
        this.engine = engine;
        this.subscription = subscription;
        this.transport = transport;
        this.settings = settings;
        this.defaultCloseTimeout = defaultCloseTimeout;
        this.member = new Member(subscription);
        this.lanes = new Lanes(engine, subscription.id(), this, true);
        lanes.addMember(member, settings.concurrency());
        lanes.onCompletion(this::spaceFreed);
        this.loop = Engine.threads(settings.threadName() + "-").newThread(this::run);
        loop.start();
    }

    // ------------------------------------------------------------------ fetch loop

    private void run() {
        try {
            try {
                transport.started(this);
            } catch (Throwable e) {
                log.warn("Subscription {}: its transport failed to start", subscription.id(), e);
            }
            while (running) {
                heartbeatNanos = System.nanoTime();
                try {
                    int free = settings.maxInFlight() - lanes.pending();
                    if (free <= 0) {
                        awaitSpace();
                        free = Math.max(0, settings.maxInFlight() - lanes.pending());
                        if (!running) {
                            break;
                        }
                    }
                    List<Inbound<R>> records = transport.fetch(free);
                    for (Inbound<R> in : records) {
                        submit(in);
                    }
                    recovered();
                } catch (Throwable e) {
                    if (!running) {
                        break;
                    }
                    failed(e);
                }
            }
        } finally {
            drainAndClose();
        }
    }

    private void submit(Inbound<R> in) {
        if (in.rejection() == null && !in.isReplay() && !subscription.matches(in.event())) {
            try {
                transport.acknowledge(in); // not for this subscription (type or tenant)
            } catch (RuntimeException e) {
                log.debug("Subscription {}: acknowledging a skipped record failed", subscription.id(), e);
            }
            return;
        }
        lanes.submit(new Delivery(in));
    }

    private void awaitSpace() throws InterruptedException {
        synchronized (space) {
            waitingForSpace = true;
            try {
                if (running && lanes.pending() >= settings.maxInFlight()) {
                    space.wait(SPACE_WAIT_MILLIS);
                }
            } finally {
                waitingForSpace = false;
            }
        }
    }

    private void spaceFreed() {
        if (waitingForSpace) {
            synchronized (space) {
                space.notifyAll();
            }
        }
    }

    private void failed(Throwable e) {
        lanes.meters.consumerError();
        int failures = ++consecutiveFailures;
        String message = e.getClass().getSimpleName() + ": " + e.getMessage();
        lastError = message;
        if (failures == 1 || failures % 50 == 0) {
            log.warn(
                    "Subscription {} ({}): fetching failed ({} time(s) in a row), retrying: {}",
                    subscription.id(),
                    settings.threadName(),
                    failures,
                    message);
        } else {
            log.debug("Subscription {}: fetching failed again: {}", subscription.id(), message);
        }
        long backoff = Math.min(2000, 50L << Math.min(failures, 6));
        try {
            stopSignal.await(backoff, TimeUnit.MILLISECONDS);
        } catch (InterruptedException ignored) {
            // the loop checks running
        }
        Thread.interrupted();
    }

    private void recovered() {
        if (consecutiveFailures > 0) {
            log.info(
                    "Subscription {} ({}) is fetching again after {} failed attempt(s)",
                    subscription.id(),
                    settings.threadName(),
                    consecutiveFailures);
            consecutiveFailures = 0;
            lastError = null;
        }
    }

    /** On the fetch thread after the loop: release what is queued, wait for running handlers, close. */
    private void drainAndClose() {
        running = false;
        boolean drained = false;
        try {
            lanes.stop();
            long deadline = closeDeadline == 0 ? System.nanoTime() + defaultCloseTimeout.toNanos() : closeDeadline;
            Thread.interrupted();
            drained = lanes.awaitIdle(deadline);
            if (!drained) {
                lanes.interruptRunning();
                lanes.awaitIdle(System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            log.warn("Subscription {}: stopping its handlers failed", subscription.id(), e);
        } finally {
            try {
                transport.close();
            } catch (Throwable e) {
                log.warn("Subscription {}: closing its transport failed", subscription.id(), e);
            }
            lanes.removeMember(member, settings.concurrency());
            terminated.complete(drained);
        }
    }

    // ------------------------------------------------------------------ sink

    @SuppressWarnings("unchecked")
    private Inbound<R> inbound(Delivery d) {
        return (Inbound<R>) d.inbound;
    }

    @Override
    public void acknowledge(Delivery d) {
        transport.acknowledge(inbound(d));
    }

    @Override
    public void release(Delivery d) {
        transport.release(inbound(d));
    }

    @Override
    public void deadLetter(Delivery d, DeadLetter letter) throws Exception {
        transport.deadLetter(inbound(d), letter);
    }

    // ------------------------------------------------------------------ EngineConsumer

    @Override
    public boolean revoke(Predicate<? super R> which, Duration wait) {
        return lanes.revoke(d -> which.test(inbound(d).record()), wait.toNanos());
    }

    /**
     * Stops the consumer without waiting (see {@link #close(Duration)}).
     *
     * @param timeout how long running handlers may take
     * @return completes with whether everything finished in time
     */
    public CompletableFuture<Boolean> closeAsync(Duration timeout) {
        if (closing.compareAndSet(false, true)) {
            closeDeadline = System.nanoTime() + Math.max(0, timeout.toNanos());
            running = false;
            stopSignal.countDown();
            synchronized (space) {
                space.notifyAll();
            }
            try {
                transport.wakeUp();
            } catch (RuntimeException e) {
                log.debug("Subscription {}: waking its transport failed", subscription.id(), e);
            }
            if (!loop.isAlive() && !terminated.isDone()) {
                terminated.complete(false); // the loop thread died without its finally block (an Error)
            }
        }
        return terminated;
    }

    @Override
    public boolean close(Duration timeout) {
        try {
            return closeAsync(timeout).get(timeout.toMillis() + 3000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            log.warn("Subscription {} did not stop within {}", subscription.id(), timeout);
            return false;
        }
    }

    @Override
    public void close() {
        close(defaultCloseTimeout);
    }

    @Override
    public String id() {
        return subscription.id();
    }

    @Override
    public boolean isActive() {
        return running && !engine.isShutdown();
    }

    @Override
    public String state() {
        if (!running) {
            return "stopped";
        }
        String error = lastError;
        return error == null ? "reading" : "retrying after " + consecutiveFailures + " failure(s): " + error;
    }

    @Override
    public Optional<String> problem(Duration stale) {
        if (!running) {
            return Optional.empty();
        }
        if (!loop.isAlive()) {
            return Optional.of("consumer loop thread has died");
        }
        long silent = System.nanoTime() - heartbeatNanos;
        if (silent > stale.toNanos()) {
            return Optional.of("consumer loop has not advanced for "
                    + Duration.ofNanos(silent).toSeconds() + " s");
        }
        return Optional.empty();
    }

    /** @return the subscription */
    public EventSubscription subscription() {
        return subscription;
    }

    @Override
    public String toString() {
        return "Subscription{id=" + subscription.id() + ", " + state() + '}';
    }
}
