package dev.adxcore.platform.test.internal;

import dev.adxcore.platform.test.TestServersUnavailableException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** Runs server tools, as another OS user when this JVM is root, with output kept in a log file. */
final class Exec {
    private Exec() {}

    /**
     * Runs {@code command} to completion. Output goes to {@code log} (appended), never to a pipe, so that a
     * daemon the command leaves behind cannot hold this JVM's streams open.
     */
    static void run(List<String> command, boolean asPostgresUser, Path log, Duration timeout) {
        run(command, asPostgresUser ? "postgres" : null, log, timeout);
    }

    /**
     * Runs {@code command} to completion as {@code osUser} (through {@code runuser}; {@code null} runs it as this
     * JVM's user). Output goes to {@code log} (appended), never to a pipe, so that a daemon the command leaves
     * behind cannot hold this JVM's streams open.
     */
    static void run(List<String> command, @Nullable String osUser, Path log, Duration timeout) {
        List<String> full = new ArrayList<>();
        if (osUser != null) {
            full.add("runuser");
            full.add("-u");
            full.add(osUser);
            full.add("--");
        }
        full.addAll(command);
        long before = size(log);
        ProcessBuilder pb = new ProcessBuilder(full)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.environment().put("LC_ALL", "C");
        pb.environment().put("LANG", "C");
        try {
            Process process = pb.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new TestServersUnavailableException(
                        String.join(" ", full) + " did not finish within " + timeout.toSeconds() + " s; its output: "
                                + tail(log, before),
                        null);
            }
            if (process.exitValue() != 0) {
                throw new TestServersUnavailableException(
                        String.join(" ", full) + " failed with exit code " + process.exitValue() + "; its output: "
                                + tail(log, before),
                        null);
            }
        } catch (IOException e) {
            throw new TestServersUnavailableException(
                    "cannot run " + String.join(" ", full) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestServersUnavailableException("interrupted while running " + String.join(" ", full), e);
        }
    }

    /**
     * Runs a short command that exits by itself (such as {@code postgres --version}) and returns what it printed.
     *
     * @throws dev.adxcore.platform.test.TestServersUnavailableException when it cannot run, fails or takes too long
     */
    static String output(List<String> command, Duration timeout) {
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.environment().put("LC_ALL", "C");
        try {
            Process process = pb.start();
            byte[] out = process.getInputStream().readNBytes(64 * 1024);
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new TestServersUnavailableException(
                        String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s", null);
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new TestServersUnavailableException(
                        String.join(" ", command) + " failed with exit code " + process.exitValue() + ": "
                                + text.strip(),
                        null);
            }
            return text;
        } catch (IOException e) {
            throw new TestServersUnavailableException(
                    "cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestServersUnavailableException("interrupted while running " + String.join(" ", command), e);
        }
    }

    private static long size(Path log) {
        try {
            return Files.exists(log) ? Files.size(log) : 0L;
        } catch (IOException e) {
            return 0L;
        }
    }

    /** The output written to {@code log} after {@code offset}, at most its last 2,000 characters. */
    static String tail(Path log, long offset) {
        try {
            byte[] all = Files.readAllBytes(log);
            String text = new String(
                            all,
                            (int) Math.min(offset, all.length),
                            (int) Math.max(0, all.length - offset),
                            StandardCharsets.UTF_8)
                    .strip();
            return text.length() > 2000 ? "..." + text.substring(text.length() - 2000) : text;
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }
}
