package dev.adxcore.platform.test.internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * One Redis server and how to log in to it. Immutable and thread-safe; cheap (no connection).
 *
 * @param host host name or address
 * @param port TCP port
 * @param database logical database index
 * @param user ACL user, or {@code null} for the default user
 * @param password password, or {@code null} when none is needed
 */
public record RedisEndpoint(
        String host,
        int port,
        int database,
        @Nullable String user,
        @Nullable String password) {

    static RedisEndpoint local(int port) {
        return new RedisEndpoint("127.0.0.1", port, 0, null, null);
    }

    /** Parses {@code redis://[[user]:password@]host[:port][/database]}. */
    static RedisEndpoint parse(String setting, String url) {
        if (!url.startsWith("redis://")) {
            throw new IllegalArgumentException(setting + " must start with redis:// (was '" + Urls.mask(url) + "')");
        }
        String rest = url.substring("redis://".length());
        int q = rest.indexOf('?');
        if (q >= 0) {
            rest = rest.substring(0, q);
        }
        String user = null;
        String password = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String info = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = info.indexOf(':');
            if (colon >= 0) {
                user = colon == 0 ? null : decode(info.substring(0, colon));
                password = decode(info.substring(colon + 1));
            } else {
                password = decode(info);
            }
        }
        int database = 0;
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            String db = rest.substring(slash + 1);
            rest = rest.substring(0, slash);
            if (!db.isEmpty()) {
                try {
                    database = Integer.parseInt(db);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(
                            setting + " has a database that is not a number (was '" + Urls.mask(url) + "')", e);
                }
            }
        }
        String host = rest;
        int port = 6379;
        int colon = rest.lastIndexOf(':');
        if (colon > 0 && !rest.endsWith("]")) {
            host = rest.substring(0, colon);
            try {
                port = Integer.parseInt(rest.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        setting + " has a port that is not a number (was '" + Urls.mask(url) + "')", e);
            }
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException(setting + " must name a host (was '" + Urls.mask(url) + "')");
        }
        return new RedisEndpoint(host, port, database, user, password);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** @return {@code redis://[user:password@]host:port[/database]} */
    public String uri() {
        StringBuilder sb = new StringBuilder("redis://");
        if (password != null) {
            if (user != null) {
                sb.append(user);
            }
            sb.append(':').append(password).append('@');
        }
        sb.append(host).append(':').append(port);
        return database == 0 ? sb.toString() : sb.append('/').append(database).toString();
    }

    /** @return {@code host:port} */
    public String address() {
        return host + ':' + port;
    }

    @Override
    public String toString() {
        return Urls.mask(uri());
    }
}
