package dev.adxcore.platform.spring.boot.autoconfigure.internal;

import dev.adxcore.platform.temporal.TemporalWorkerRunner;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the auto-configured worker once the context is refreshed (every activity bean exists) and stops it,
 * gracefully, before the beans it uses are destroyed.
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
