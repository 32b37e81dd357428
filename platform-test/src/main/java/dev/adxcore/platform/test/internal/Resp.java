package dev.adxcore.platform.test.internal;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A minimal blocking Redis (RESP2) client for the kit's own needs: probing, authenticating, deleting a
 * test class's keys. Not thread-safe; one per use. Each instance costs a TCP connection: close it.
 */
public final class Resp implements Closeable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private Resp(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /**
     * Connects, authenticates and selects the database.
     *
     * @param endpoint the server
     * @param timeout connect and read timeout
     * @return an open client
     * @throws IOException when the server does not answer or rejects the login
     */
    public static Resp connect(RedisEndpoint endpoint, Duration timeout) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(
                    new InetSocketAddress(endpoint.host(), endpoint.port()), (int) Math.max(1, timeout.toMillis()));
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            Resp resp = new Resp(socket);
            if (endpoint.password() != null) {
                if (endpoint.user() != null) {
                    resp.command("AUTH", endpoint.user(), endpoint.password());
                } else {
                    resp.command("AUTH", endpoint.password());
                }
            }
            if (endpoint.database() != 0) {
                resp.command("SELECT", Integer.toString(endpoint.database()));
            }
            return resp;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Sends one command and reads its reply.
     *
     * @param args the command and its arguments
     * @return a String, Long, List or {@code null}
     * @throws IOException on I/O failure or an error reply (its text is the message)
     */
    public @Nullable Object command(String... args) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        buf.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
        for (String arg : args) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            buf.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
            buf.writeBytes(bytes);
            buf.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.write(buf.toByteArray());
        out.flush();
        return read();
    }

    private @Nullable Object read() throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new IOException("Redis closed the connection");
        }
        String line = line();
        switch (type) {
            case '+':
                return line;
            case '-':
                throw new IOException(line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                byte[] data = in.readNBytes(length);
                line();
                return new String(data, StandardCharsets.UTF_8);
            }
            case '*': {
                int count = Integer.parseInt(line);
                if (count < 0) {
                    return null;
                }
                List<@Nullable Object> items = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    items.add(read());
                }
                return items;
            }
            default:
                throw new IOException("unexpected Redis reply type '" + (char) type + "'");
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\r') {
            if (c < 0) {
                throw new IOException("Redis closed the connection");
            }
            buf.write(c);
        }
        in.read();
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
