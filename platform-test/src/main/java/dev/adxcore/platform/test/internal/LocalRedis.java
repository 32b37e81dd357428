package dev.adxcore.platform.test.internal;

import dev.adxcore.platform.test.TestServersUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private {@code redis-server} child process on a free port of 127.0.0.1, from an installed binary or from
 * the one embedded-redis ships on Maven Central. It keeps nothing on disk, unless durable: then it writes an
 * append-only file fsynced on every write ({@code appendonly yes}, {@code appendfsync always}) into a folder
 * that outlives crashes and restarts, so every acknowledged write survives {@link #crash()}.
 */
final class LocalRedis implements RedisHost {
    private static final Logger LOG = LoggerFactory.getLogger(LocalRedis.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final Path binary;
    private final Path workDir;
    private final RedisEndpoint endpoint;
    private final Source source;
    private final boolean durable;
    private @Nullable Process process;
    private final ProcessFaults faults;

    private LocalRedis(
            Path binary, Path workDir, RedisEndpoint endpoint, Source source, boolean durable, Process process) {
        this.binary = binary;
        this.workDir = workDir;
        this.endpoint = endpoint;
        this.source = source;
        this.durable = durable;
        this.process = process;
        this.faults = new ProcessFaults(
                "Private Redis on " + endpoint.address(), "start()", () -> ProcessFaults.alive(this.process));
    }

    static LocalRedis start(Path binary, Path workDir) {
        return start(binary, workDir, Source.LOCAL, false);
    }

    static LocalRedis start(Path binary, Path workDir, Source source) {
        return start(binary, workDir, source, false);
    }

    static LocalRedis start(Path binary, Path workDir, Source source, boolean durable) {
        long started = System.nanoTime();
        try {
            Files.createDirectories(workDir.resolve("redis"));
        } catch (IOException e) {
            throw new TestServersUnavailableException(
                    "cannot create " + workDir.resolve("redis") + ": " + e.getMessage(), e);
        }
        TestServersUnavailableException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = Workspace.freePort();
            try {
                Process process = launch(binary, workDir, port, durable);
                LOG.info(
                        "Private Redis ({} binary {}{}) started on 127.0.0.1:{} in {} ms",
                        source.label(),
                        binary,
                        durable ? ", durable: appendonly, appendfsync always" : "",
                        port,
                        (System.nanoTime() - started) / 1_000_000);
                return new LocalRedis(binary, workDir, RedisEndpoint.local(port), source, durable, process);
            } catch (TestServersUnavailableException e) {
                // most likely another process took the port between our probe and the server's bind: retry
                last = e;
            }
        }
        throw last;
    }

    /** Starts redis-server on {@code port} and waits until it answers PING. */
    private static Process launch(Path binary, Path workDir, int port, boolean durable) {
        Path log = workDir.resolve("redis.log");
        Process process;
        try {
            process = new ProcessBuilder(List.of(
                            binary.toString(),
                            "--port",
                            Integer.toString(port),
                            "--bind",
                            "127.0.0.1",
                            "--save",
                            "",
                            "--appendonly",
                            durable ? "yes" : "no",
                            "--appendfsync",
                            durable ? "always" : "everysec",
                            "--dir",
                            workDir.resolve("redis").toString(),
                            "--daemonize",
                            "no",
                            "--protected-mode",
                            "no"))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            Files.writeString(workDir.resolve("redis" + Workspace.PID_SUFFIX), Long.toString(process.pid()));
        } catch (IOException e) {
            throw new TestServersUnavailableException("cannot run " + binary + ": " + e.getMessage(), e);
        }
        RedisEndpoint endpoint = RedisEndpoint.local(port);
        IOException lastFailure = null;
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (process.isAlive() && System.nanoTime() < deadline) {
            try (Resp resp = Resp.connect(endpoint, Duration.ofMillis(500))) {
                resp.command("PING");
                return process;
            } catch (IOException e) {
                lastFailure = e;
                sleep(20);
            }
        }
        process.destroyForcibly();
        String output = Exec.tail(log, 0);
        throw new TestServersUnavailableException(
                "the private redis-server (" + binary + ") did not start on port "
                        + port + "; its log: " + output
                        + (output.contains("error while loading shared libraries")
                                ? " (the redis-server that embedded-redis ships for Linux x86-64 needs OpenSSL 3's libssl.so.3 and"
                                        + " libcrypto.so.3: install them (Debian/Ubuntu: libssl3), or install redis-server)"
                                : ""),
                lastFailure);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestServersUnavailableException("interrupted while starting redis-server", e);
        }
    }

    @Override
    public Source source() {
        return source;
    }

    @Override
    public RedisEndpoint endpoint() {
        return endpoint;
    }

    @Override
    public boolean controllable() {
        return true;
    }

    @Override
    public boolean isDurable() {
        return durable;
    }

    @Override
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        faults.stop(Duration.ofSeconds(5));
        process = null;
        LOG.info("Private Redis on {} stopped", endpoint.address());
    }

    @Override
    public synchronized void start() {
        faults.requireOpen();
        if (ProcessFaults.alive(process).isEmpty()) {
            process = launch(binary, workDir, endpoint.port(), durable);
            faults.reset();
            LOG.info(
                    "Private Redis on {} started again{}",
                    endpoint.address(),
                    durable ? " from its append-only file" : "");
        }
    }

    @Override
    public synchronized void crash() {
        faults.crash();
        process = null;
    }

    @Override
    public synchronized void freeze() {
        faults.freeze();
    }

    @Override
    public synchronized void thaw() {
        faults.thaw();
    }

    @Override
    public synchronized void close() {
        if (faults.isClosed()) {
            return;
        }
        stop();
        faults.markClosed();
    }
}
