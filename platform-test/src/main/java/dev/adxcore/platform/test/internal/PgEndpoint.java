package dev.adxcore.platform.test.internal;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * One PostgreSQL server: where it listens and how to log in; builds JDBC URLs for any database on it.
 * Immutable and thread-safe; cheap to hold, while each {@code connect} opens a new JDBC connection.
 */
public final class PgEndpoint {
    private final String host;
    private final int port;
    private final String database;
    private final String user;
    private final @Nullable String password;
    private final Map<String, String> parameters;

    PgEndpoint(
            String host,
            int port,
            String database,
            String user,
            @Nullable String password,
            Map<String, String> parameters) {
        this.host = host;
        this.port = port;
        this.database = database;
        this.user = user;
        this.password = password;
        this.parameters = Map.copyOf(parameters);
    }

    static PgEndpoint local(int port) {
        return new PgEndpoint("127.0.0.1", port, "postgres", "postgres", null, Map.of());
    }

    /**
     * Parses {@code jdbc:postgresql://host[:port]/db?params} or {@code postgresql://[user[:pw]@]host[:port]/db?params}.
     *
     * @param setting the setting's name, for the message
     * @param url the URL
     * @param defaultUser the user when the URL names none
     * @param defaultPassword the password when the URL carries none
     * @return the endpoint
     * @throws IllegalArgumentException when the URL cannot be used
     */
    static PgEndpoint parse(
            String setting, String url, @Nullable String defaultUser, @Nullable String defaultPassword) {
        String rest;
        if (url.startsWith("jdbc:postgresql://")) {
            rest = url.substring("jdbc:postgresql://".length());
        } else if (url.startsWith("postgresql://")) {
            rest = url.substring("postgresql://".length());
        } else if (url.startsWith("postgres://")) {
            rest = url.substring("postgres://".length());
        } else {
            throw new IllegalArgumentException(
                    setting + " must start with jdbc:postgresql:// (was '" + Urls.mask(url) + "')");
        }
        String query = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        String user = null;
        String password = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = userInfo.indexOf(':');
            user = decode(colon >= 0 ? userInfo.substring(0, colon) : userInfo);
            password = colon >= 0 ? decode(userInfo.substring(colon + 1)) : null;
        }
        int slash = rest.indexOf('/');
        String hostPort = slash >= 0 ? rest.substring(0, slash) : rest;
        String database = slash >= 0 ? rest.substring(slash + 1) : "";
        if (hostPort.contains(",")) {
            throw new IllegalArgumentException(setting
                    + " must name one server; multi-host URLs are not supported (was '" + Urls.mask(url) + "')");
        }
        String host;
        int port = 5432;
        int portColon = hostPort.lastIndexOf(':');
        if (portColon > 0 && !hostPort.endsWith("]")) {
            host = hostPort.substring(0, portColon);
            try {
                port = Integer.parseInt(hostPort.substring(portColon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        setting + " has a port that is not a number (was '" + Urls.mask(url) + "')", e);
            }
        } else {
            host = hostPort;
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException(setting + " must name a host (was '" + Urls.mask(url) + "')");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq >= 0 ? pair.substring(0, eq) : pair);
            String value = eq >= 0 ? decode(pair.substring(eq + 1)) : "";
            if (key.equals("user")) {
                user = value;
            } else if (key.equals("password")) {
                password = value;
            } else {
                parameters.put(key, value);
            }
        }
        if (user == null) {
            user = defaultUser != null ? defaultUser : System.getProperty("user.name", "postgres");
        }
        if (password == null) {
            password = defaultPassword;
        }
        return new PgEndpoint(host, port, database.isEmpty() ? user : decode(database), user, password, parameters);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** @return the host name or address */
    public String host() {
        return host;
    }

    /** @return the TCP port */
    public int port() {
        return port;
    }

    /** @return the database the URL named (the admin database for explicit servers) */
    public String database() {
        return database;
    }

    /** @return the user to log in as */
    public String user() {
        return user;
    }

    /** @return the password, or {@code null} when none is needed */
    public @Nullable String password() {
        return password;
    }

    /**
     * @param db a database on this server
     * @return a JDBC URL for {@code db} carrying user, password and the original parameters
     */
    public String jdbcUrl(String db) {
        StringBuilder url = new StringBuilder("jdbc:postgresql://")
                .append(host)
                .append(':')
                .append(port)
                .append('/')
                .append(encode(db))
                .append("?user=")
                .append(encode(user));
        if (password != null) {
            url.append("&password=").append(encode(password));
        }
        for (Map.Entry<String, String> e : parameters.entrySet()) {
            url.append('&').append(encode(e.getKey())).append('=').append(encode(e.getValue()));
        }
        return url.toString();
    }

    /**
     * @param otherHost the host to reach this server through (a proxy)
     * @param otherPort its port
     * @return this endpoint with another address, the same login and parameters
     */
    public PgEndpoint withAddress(String otherHost, int otherPort) {
        return new PgEndpoint(otherHost, otherPort, database, user, password, parameters);
    }

    /** @return {@code host:port} */
    public String address() {
        return host + ':' + port;
    }

    /**
     * Opens a connection to {@code db}, giving up after {@code timeout} (rounded up to whole seconds for pgjdbc).
     *
     * @param db the database
     * @param timeout connect and login timeout
     * @return an open connection in auto-commit mode
     * @throws SQLException when the server refuses or does not answer
     */
    public Connection connect(String db, Duration timeout) throws SQLException {
        Properties props = new Properties();
        int seconds = (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
        props.setProperty("connectTimeout", Integer.toString(seconds));
        props.setProperty("loginTimeout", Integer.toString(seconds));
        return DriverManager.getConnection(jdbcUrl(db), props);
    }

    @Override
    public String toString() {
        return Urls.mask(jdbcUrl(database));
    }
}
