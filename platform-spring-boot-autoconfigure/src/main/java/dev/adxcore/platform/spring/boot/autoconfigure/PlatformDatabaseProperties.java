package dev.adxcore.platform.spring.boot.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code platform.database.*}: the {@code DatabaseManager} of the service (platform-database). The manager is
 * auto-configured when {@code platform.database.primary-url} is set. Durations use the SDK's one grammar
 * ({@code 500ms}, {@code 5s}, {@code PT5S}; a bare number is refused). Unset values keep the SDK's defaults.
 *
 * <p>A mutable bean that Spring binds once at start-up; not for use from several threads. Cheap: binding it
 * connects nothing.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("platform.database")
public class PlatformDatabaseProperties {

    /** Name of this database, used in pool and metric names. Default: db. */
    private @Nullable String name;
    /** JDBC URL of the primary, for example jdbc:postgresql://db:5432/app. Required to configure the manager. */
    private @Nullable String primaryUrl;
    /** JDBC URLs of the streaming replicas that reads may use. */
    private List<String> replicaUrls = new ArrayList<>();
    /** The application role: neither superuser nor owner nor BYPASSRLS, so that row-level security applies. */
    private @Nullable String username;
    /** Its password; masked in logs. */
    private @Nullable String password;
    /** Idle connections kept per server. Default: 2. */
    private @Nullable Integer minConnections;
    /** Connections per server. Default: 10. */
    private @Nullable Integer maxConnections;
    /** How long a caller waits for a pooled connection, such as 5s. */
    private @Nullable String acquireTimeout;
    /** How long a statement or commit waits for the server before the connection is given up, such as 5s (default). */
    private @Nullable String socketTimeout;
    /** Period of the replica health probe, such as 1s. */
    private @Nullable String replicaRecheckInterval;
    /** Replication lag that takes a replica out of rotation, such as 10s. */
    private @Nullable String maxReplicaLag;
    /** What start-up does when the role could bypass row-level security: refuse (default) or warn. */
    private @Nullable String roleCheck;
    /** Name of the tenant column in tenant tables. Default: tenant_id. */
    private @Nullable String tenantColumn;
    /** Extra JDBC driver properties, such as ssl=true. */
    private Map<String, String> driverProperties = new LinkedHashMap<>();

    /** Creates the properties with nothing set. */
    public PlatformDatabaseProperties() {}

    /** @return the database name, or null for the default */
    public @Nullable String getName() {
        return name;
    }

    /** @param name the database name */
    public void setName(@Nullable String name) {
        this.name = name;
    }

    /** @return the primary's JDBC URL, or null */
    public @Nullable String getPrimaryUrl() {
        return primaryUrl;
    }

    /** @param primaryUrl the primary's JDBC URL */
    public void setPrimaryUrl(@Nullable String primaryUrl) {
        this.primaryUrl = primaryUrl;
    }

    /** @return the replicas' JDBC URLs */
    public List<String> getReplicaUrls() {
        return replicaUrls;
    }

    /** @param replicaUrls the replicas' JDBC URLs */
    public void setReplicaUrls(List<String> replicaUrls) {
        this.replicaUrls = replicaUrls;
    }

    /** @return the application role, or null */
    public @Nullable String getUsername() {
        return username;
    }

    /** @param username the application role */
    public void setUsername(@Nullable String username) {
        this.username = username;
    }

    /** @return the password, or null */
    public @Nullable String getPassword() {
        return password;
    }

    /** @param password the password */
    public void setPassword(@Nullable String password) {
        this.password = password;
    }

    /** @return idle connections per server, or null for the default */
    public @Nullable Integer getMinConnections() {
        return minConnections;
    }

    /** @param minConnections idle connections per server */
    public void setMinConnections(@Nullable Integer minConnections) {
        this.minConnections = minConnections;
    }

    /** @return connections per server, or null for the default */
    public @Nullable Integer getMaxConnections() {
        return maxConnections;
    }

    /** @param maxConnections connections per server */
    public void setMaxConnections(@Nullable Integer maxConnections) {
        this.maxConnections = maxConnections;
    }

    /** @return the acquire timeout as written, or null */
    public @Nullable String getAcquireTimeout() {
        return acquireTimeout;
    }

    /** @param acquireTimeout the acquire timeout, such as 5s */
    public void setAcquireTimeout(@Nullable String acquireTimeout) {
        this.acquireTimeout = acquireTimeout;
    }

    /** @return the socket timeout as written, or null */
    public @Nullable String getSocketTimeout() {
        return socketTimeout;
    }

    /** @param socketTimeout how long a statement waits for the server, such as 5s */
    public void setSocketTimeout(@Nullable String socketTimeout) {
        this.socketTimeout = socketTimeout;
    }

    /** @return the replica recheck interval as written, or null */
    public @Nullable String getReplicaRecheckInterval() {
        return replicaRecheckInterval;
    }

    /** @param replicaRecheckInterval the replica recheck interval, such as 1s */
    public void setReplicaRecheckInterval(@Nullable String replicaRecheckInterval) {
        this.replicaRecheckInterval = replicaRecheckInterval;
    }

    /** @return the maximum replica lag as written, or null */
    public @Nullable String getMaxReplicaLag() {
        return maxReplicaLag;
    }

    /** @param maxReplicaLag the maximum replica lag, such as 10s */
    public void setMaxReplicaLag(@Nullable String maxReplicaLag) {
        this.maxReplicaLag = maxReplicaLag;
    }

    /** @return refuse or warn, or null for the default */
    public @Nullable String getRoleCheck() {
        return roleCheck;
    }

    /** @param roleCheck refuse or warn */
    public void setRoleCheck(@Nullable String roleCheck) {
        this.roleCheck = roleCheck;
    }

    /** @return the tenant column, or null for the default */
    public @Nullable String getTenantColumn() {
        return tenantColumn;
    }

    /** @param tenantColumn the tenant column */
    public void setTenantColumn(@Nullable String tenantColumn) {
        this.tenantColumn = tenantColumn;
    }

    /** @return extra JDBC driver properties */
    public Map<String, String> getDriverProperties() {
        return driverProperties;
    }

    /** @param driverProperties extra JDBC driver properties */
    public void setDriverProperties(Map<String, String> driverProperties) {
        this.driverProperties = driverProperties;
    }
}
