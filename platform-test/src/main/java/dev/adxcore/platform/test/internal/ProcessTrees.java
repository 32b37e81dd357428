package dev.adxcore.platform.test.internal;

import dev.adxcore.platform.test.TestServersUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Signals a server process and all its descendants: SIGKILL (a crash), SIGSTOP and SIGCONT (a freeze, as a
 * paused VM or a stuck disk would make it). Java has no API for SIGSTOP/SIGCONT, so they go through
 * {@code kill}.
 */
public final class ProcessTrees {
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);

    private ProcessTrees() {}

    /**
     * SIGKILLs {@code root} and every descendant, and waits until they are gone.
     *
     * @param root the server's main process
     */
    public static void kill(ProcessHandle root) {
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

    /**
     * SIGSTOPs {@code root} first (so it forks no more), then every descendant.
     *
     * @param root the server's main process
     */
    public static void freeze(ProcessHandle root) {
        signal("-STOP", List.of(root));
        List<ProcessHandle> children = root.descendants().toList();
        if (!children.isEmpty()) {
            signal("-STOP", children);
        }
    }

    /**
     * SIGCONTs every descendant, then {@code root}.
     *
     * @param root the server's main process
     */
    public static void thaw(ProcessHandle root) {
        List<ProcessHandle> children = root.descendants().toList();
        if (!children.isEmpty()) {
            signal("-CONT", children);
        }
        signal("-CONT", List.of(root));
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
