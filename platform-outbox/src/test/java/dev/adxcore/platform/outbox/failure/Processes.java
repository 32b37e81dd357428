package dev.adxcore.platform.outbox.failure;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A child JVM on the test class path whose output lines the test reads. */
final class Processes {

    final Process process;
    final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuilder seen = new StringBuilder();

    private Processes(Process process) {
        this.process = process;
        Thread pump = new Thread(() -> {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    lines.add(line);
                }
            } catch (Exception ignored) {
                // the process died
            }
        });
        pump.setDaemon(true);
        pump.start();
    }

    static Processes start(Class<?> main, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                main.getName()));
        cmd.addAll(List.of(args));
        return new Processes(new ProcessBuilder(cmd).redirectErrorStream(true).start());
    }

    /** The next line starting with the prefix; other lines go to {@code others} when given. */
    String await(String prefix, List<String> others, long timeoutSeconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(50, TimeUnit.MILLISECONDS);
            if (line != null) {
                if (line.startsWith(prefix)) {
                    return line;
                }
                if (others != null) {
                    others.add(line);
                }
                seen.append(line).append('\n');
            } else if (!process.isAlive() && lines.isEmpty()) {
                break;
            }
        }
        throw new AssertionError("child process did not print " + prefix + "; its output:\n" + seen);
    }

    /** SIGKILL: no shutdown hook, no commit, no goodbye. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the child process did not die within 10 s of SIGKILL");
        }
    }

    /** Lines printed so far and not yet read. */
    List<String> drain() {
        List<String> out = new ArrayList<>();
        lines.drainTo(out);
        return out;
    }
}
