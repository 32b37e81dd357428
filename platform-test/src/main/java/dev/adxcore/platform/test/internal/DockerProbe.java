package dev.adxcore.platform.test.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Asks a Docker daemon {@code GET /_ping} within a fixed budget (500 ms in all), without Testcontainers, whose
 * own discovery can take many seconds when no daemon runs.
 */
final class DockerProbe {
    static final Duration BUDGET = Duration.ofMillis(500);
    private static final byte[] PING =
            "GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /**
     * The outcome of a probe.
     *
     * @param answered whether a daemon said OK
     * @param description what was tried and found, for messages
     */
    record Result(boolean answered, String description) {}

    private DockerProbe() {}

    static Result probe(@Nullable String dockerHost) {
        long deadline = System.nanoTime() + BUDGET.toNanos();
        List<String> endpoints = new ArrayList<>();
        if (dockerHost != null) {
            endpoints.add(dockerHost);
        } else {
            endpoints.add("unix:///var/run/docker.sock");
            String home = System.getProperty("user.home");
            endpoints.add("unix://" + home + "/.docker/run/docker.sock");
            endpoints.add("unix://" + home + "/.docker/desktop/docker.sock");
            String runtime = System.getenv("XDG_RUNTIME_DIR");
            if (runtime != null) {
                endpoints.add("unix://" + runtime + "/docker.sock");
            }
        }
        List<String> findings = new ArrayList<>();
        for (String endpoint : endpoints) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                findings.add(endpoint + ": not tried, the " + BUDGET.toMillis() + " ms budget was spent");
                continue;
            }
            try {
                String reply;
                if (endpoint.startsWith("unix://")) {
                    Path socket = Path.of(endpoint.substring("unix://".length()));
                    if (!Files.exists(socket)) {
                        findings.add(endpoint + ": no such socket");
                        continue;
                    }
                    reply = pingUnix(socket, remaining);
                } else if (endpoint.startsWith("tcp://")) {
                    reply = pingTcp(endpoint.substring("tcp://".length()), remaining);
                } else {
                    findings.add(endpoint + ": unsupported scheme");
                    continue;
                }
                if (reply.startsWith("HTTP/1.") && reply.contains(" 200 ")) {
                    return new Result(true, endpoint + " answered");
                }
                findings.add(endpoint + ": answered '" + firstLine(reply) + "'");
            } catch (IOException e) {
                findings.add(endpoint + ": " + e.getMessage());
            }
        }
        return new Result(false, "no Docker daemon answered (" + String.join("; ", findings) + ")");
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\r');
        return nl >= 0 ? s.substring(0, nl) : s;
    }

    private static String pingUnix(Path socket, long remainingNanos) throws IOException {
        long deadline = System.nanoTime() + remainingNanos;
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                Selector selector = Selector.open()) {
            channel.configureBlocking(false);
            if (!channel.connect(UnixDomainSocketAddress.of(socket))) {
                channel.register(selector, SelectionKey.OP_CONNECT);
                if (selector.select(millisLeft(deadline)) == 0) {
                    throw new IOException("no answer in time");
                }
                channel.finishConnect();
                selector.selectedKeys().clear();
            }
            ByteBuffer request = ByteBuffer.wrap(PING);
            while (request.hasRemaining()) {
                channel.write(request);
            }
            channel.register(selector, SelectionKey.OP_READ);
            ByteBuffer reply = ByteBuffer.allocate(256);
            while (reply.position() < 16) {
                long left = millisLeft(deadline);
                if (left <= 0 || selector.select(left) == 0) {
                    throw new IOException("no answer in time");
                }
                selector.selectedKeys().clear();
                if (channel.read(reply) < 0) {
                    break;
                }
            }
            return new String(reply.array(), 0, reply.position(), StandardCharsets.US_ASCII);
        }
    }

    private static long millisLeft(long deadline) {
        return Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
    }

    private static String pingTcp(String hostPort, long remainingNanos) throws IOException {
        int slash = hostPort.indexOf('/');
        if (slash >= 0) {
            hostPort = hostPort.substring(0, slash);
        }
        int colon = hostPort.lastIndexOf(':');
        String host = colon > 0 ? hostPort.substring(0, colon) : hostPort;
        int port = colon > 0 ? Integer.parseInt(hostPort.substring(colon + 1)) : 2375;
        int timeout = (int) Math.max(1, remainingNanos / 1_000_000);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), timeout);
            socket.setSoTimeout(timeout);
            OutputStream out = socket.getOutputStream();
            out.write(PING);
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buf = in.readNBytes(16);
            return new String(buf, StandardCharsets.US_ASCII);
        }
    }
}
