package dev.adxcore.platform.spring.boot.autoconfigure.internal;

import dev.adxcore.platform.outbox.OutboxRelay;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the auto-configured relay once the context is refreshed and closes it on shutdown. Its phase is below the
 * web server's, so the relay starts before the first request is taken and stops only after the last one finished:
 * what those requests recorded is still published by this instance. Spring calls it from one thread at a time
 * (its running flag is volatile); stopping costs the relay's close, which waits for its threads.
 */
public final class OutboxRelayLifecycle implements SmartLifecycle {

    /** Below {@code WebServerStartStopLifecycle} (DEFAULT_PHASE - 2048) and graceful shutdown (- 1024). */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private final OutboxRelay relay;
    private volatile boolean running;

    /**
     * @param relay the relay to start and stop
     */
    public OutboxRelayLifecycle(OutboxRelay relay) {
        this.relay = relay;
    }

    @Override
    public void start() {
        relay.start();
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        relay.close();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
