package dev.adxcore.platform.test.internal;

import dev.adxcore.platform.test.TestServersUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The faults of one server the kit runs: {@link #crash()} (SIGKILL of its process and every descendant, waiting
 * until they are gone), {@link #freeze()} and {@link #thaw()} (SIGSTOP and SIGCONT of the whole tree, as a paused
 * VM or a stuck disk would make it), and a graceful {@link #stop(Duration)} that thaws first and kills when the
 * grace runs out. It keeps whether the server is frozen and whether it was closed for good; the server keeps
 * whether it runs, and calls {@link #reset()} after each start. Java has no API for SIGSTOP/SIGCONT, so they go through {@code kill}.
 *
 * <p>Not thread-safe: each server calls it under its own lock. Cheap: signals cost a {@code kill} process each.
 */
public final class ProcessFaults {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessFaults.class);
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);

    private final String server;
    private final String startMethod;
    private final Supplier<Optional<ProcessHandle>> liveRoot;
    private boolean frozen;
    private boolean closed;

    /**
     * @param server what the server is, for logs and messages, e.g. {@code "Private Redis on 127.0.0.1:6390"}
     * @param startMethod the call that starts it again, named in the message of {@link #freeze()}, e.g.
     *     {@code "start()"}
     * @param liveRoot the server's main process while it is alive, else empty (asked on every call)
     */
    public ProcessFaults(String server, String startMethod, Supplier<Optional<ProcessHandle>> liveRoot) {
        this.server = server;
        this.startMethod = startMethod;
        this.liveRoot = liveRoot;
    }

    /**
     * The server's live main process, from a {@link Process} field that may be empty.
     *
     * @param process the process the server started, or null when it has none
     * @return the process while it is alive
     */
    public static Optional<ProcessHandle> alive(@Nullable Process process) {
        return process == null || !process.isAlive() ? Optional.empty() : Optional.of(process.toHandle());
    }

    /**
     * SIGKILLs the server's process and every descendant and waits until they are gone (up to 10 s); forgets
     * that it was frozen. Does nothing to a server that is not running.
     *
     * @return whether a live server was killed
     * @throws IllegalStateException when the server was closed
     * @throws TestServersUnavailableException when a process outlives SIGKILL by 10 s
     */
    public boolean crash() {
        requireOpen();
        frozen = false;
        Optional<ProcessHandle> root = liveRoot.get();
        if (root.isEmpty()) {
            return false;
        }
        kill(root.get());
        LOG.info(
                "{} crashed (SIGKILL of {} and its processes)",
                server,
                root.get().pid());
        return true;
    }

    /**
     * SIGSTOPs the server's process (so it forks no more), then every descendant. Idempotent.
     *
     * @throws IllegalStateException when the server is not running or was closed
     */
    public void freeze() {
        requireOpen();
        if (frozen) {
            return;
        }
        ProcessHandle root = liveRoot.get()
                .orElseThrow(() -> new IllegalStateException(
                        server + " is not running: call " + startMethod + " before freezing it"));
        signal("-STOP", List.of(root));
        List<ProcessHandle> children = root.descendants().toList();
        if (!children.isEmpty()) {
            signal("-STOP", children);
        }
        frozen = true;
        LOG.info("{} frozen (SIGSTOP of {} and its processes)", server, root.pid());
    }

    /**
     * SIGCONTs every descendant, then the server's process, when {@link #freeze()} stopped them. Idempotent.
     *
     * @return whether it was frozen
     */
    public boolean thaw() {
        if (!frozen) {
            return false;
        }
        frozen = false;
        Optional<ProcessHandle> root = liveRoot.get();
        if (root.isPresent()) {
            List<ProcessHandle> children = root.get().descendants().toList();
            if (!children.isEmpty()) {
                signal("-CONT", children);
            }
            signal("-CONT", List.of(root.get()));
        }
        LOG.info("{} thawed", server);
        return true;
    }

    /** Tells it the server has a new process, or none (it was started again, or killed from outside): nothing is frozen. */
    public void reset() {
        frozen = false;
    }

    /**
     * Fails when the server was closed: call it before starting one again.
     *
     * @throws IllegalStateException when {@link #markClosed()} was called
     */
    public void requireOpen() {
        if (closed) {
            throw new IllegalStateException(server + " was already closed");
        }
    }

    /**
     * Records that the server is closed for good: {@link #crash()}, {@link #freeze()} and {@link #requireOpen()}
     * fail from now on.
     */
    public void markClosed() {
        closed = true;
    }

    /** @return whether {@link #markClosed()} was called */
    public boolean isClosed() {
        return closed;
    }

    /** @return whether {@link #freeze()} stopped the server and nothing has resumed it since */
    public boolean isFrozen() {
        return frozen;
    }

    /**
     * Stops the server gracefully: thaws it, sends SIGTERM and waits up to {@code grace}; then SIGKILLs the tree
     * as {@link #crash()} does. Does nothing to a server that is not running.
     *
     * @param grace how long a clean shutdown may take
     */
    public void stop(Duration grace) {
        thaw();
        Optional<ProcessHandle> root = liveRoot.get();
        if (root.isEmpty()) {
            return;
        }
        root.get().destroy();
        try {
            root.get().onExit().get(grace.toNanos(), TimeUnit.NANOSECONDS);
            return;
        } catch (InterruptedException e) {
            root.get().descendants().forEach(ProcessHandle::destroyForcibly);
            root.get().destroyForcibly();
            Thread.currentThread().interrupt();
            return;
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("{} did not stop within {} ms of SIGTERM: killing it", server, grace.toMillis());
        }
        if (root.get().isAlive()) {
            kill(root.get());
        }
    }

    private static void kill(ProcessHandle root) {
        List<ProcessHandle> all = new ArrayList<>();
        all.add(root);
        root.descendants().forEach(all::add);
        for (ProcessHandle p : all) {
            p.destroyForcibly();
        }
        long deadline = System.nanoTime() + KILL_TIMEOUT.toNanos();
        for (ProcessHandle p : all) {
            long left = deadline - System.nanoTime();
            try {
                p.onExit().get(Math.max(1, left), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TestServersUnavailableException("interrupted while killing process " + p.pid(), e);
            } catch (ExecutionException | TimeoutException e) {
                if (p.isAlive()) {
                    throw new TestServersUnavailableException(
                            "process " + p.pid() + " did not die within " + KILL_TIMEOUT.toSeconds() + " s of SIGKILL",
                            e);
                }
            }
        }
    }

    private static void signal(String signal, List<ProcessHandle> processes) {
        List<String> command = new ArrayList<>();
        command.add("kill");
        command.add(signal);
        for (ProcessHandle p : processes) {
            command.add(Long.toString(p.pid()));
        }
        try {
            Exec.output(command, Duration.ofSeconds(10));
        } catch (TestServersUnavailableException e) {
            // a child that exited between listing and signalling makes kill fail; the living ones got the signal
            if (processes.stream().anyMatch(ProcessHandle::isAlive) && processes.size() == 1) {
                throw e;
            }
        }
    }
}
