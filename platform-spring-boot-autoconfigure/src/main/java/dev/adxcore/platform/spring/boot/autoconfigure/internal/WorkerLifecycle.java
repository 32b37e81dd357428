package dev.adxcore.platform.spring.boot.autoconfigure.internal;

import dev.adxcore.platform.temporal.TemporalWorkerRunner;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the auto-configured worker once the context is refreshed (every activity bean exists) and stops it,
 * gracefully, before the beans it uses are destroyed. Spring calls it from one thread at a time; stopping costs
 * the worker's graceful shutdown, which waits for running activities up to the shutdown timeout.
 */
public final class WorkerLifecycle implements SmartLifecycle {

    private final TemporalWorkerRunner runner;

    /**
     * @param runner the runner to start and stop
     */
    public WorkerLifecycle(TemporalWorkerRunner runner) {
        this.runner = runner;
    }

    @Override
    public void start() {
        runner.start();
    }

    @Override
    public void stop() {
        runner.close();
    }

    @Override
    public boolean isRunning() {
        return runner.isRunning();
    }
}
