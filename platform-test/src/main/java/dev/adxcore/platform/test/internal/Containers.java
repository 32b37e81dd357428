package dev.adxcore.platform.test.internal;

import dev.adxcore.platform.test.TestServerSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

/**
 * Servers as Testcontainers containers: a primary and replicas (each replica runs {@code pg_basebackup} from
 * the primary over a private Docker network, then {@code postgres} as a hot standby) and a Redis.
 * This class is loaded only after a Docker daemon answered.
 */
final class Containers {
    private static final Logger LOG = LoggerFactory.getLogger(Containers.class);
    private static final String PRIMARY_ALIAS = "pg-primary";
    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(3);

    private Containers() {}

    static PgServers postgres(TestServerSettings settings) {
        DockerImageName image = DockerImageName.parse(settings.postgresImage());
        Network network = Network.newNetwork();
        GenericContainer<?> primary = new GenericContainer<>(image)
                .withNetwork(network)
                .withNetworkAliases(PRIMARY_ALIAS)
                .withEnv("POSTGRES_HOST_AUTH_METHOD", "trust")
                .withCopyToContainer(
                        Transferable.of(
                                "#!/bin/sh\necho 'host replication all all trust' >> \"$PGDATA/pg_hba.conf\"\n", 0755),
                        "/docker-entrypoint-initdb.d/10-replication.sh")
                .withCommand(
                        "postgres",
                        "-c",
                        "wal_level=replica",
                        "-c",
                        "max_wal_senders=16",
                        "-c",
                        "hot_standby=on",
                        "-c",
                        "wal_keep_size=512MB",
                        "-c",
                        "max_connections=300",
                        "-c",
                        "fsync=off",
                        "-c",
                        "full_page_writes=off")
                .withExposedPorts(5432)
                .waitingFor(Wait.forLogMessage(".*database system is ready to accept connections.*\\s", 2)
                        .withStartupTimeout(STARTUP_TIMEOUT));
        try {
            primary.start();
        } catch (RuntimeException e) {
            network.close();
            throw e;
        }
        LOG.info(
                "PostgreSQL primary container {} started on {}:{}",
                image,
                primary.getHost(),
                primary.getMappedPort(5432));
        return new ContainerCluster(image, network, primary);
    }

    static RedisHost redis(TestServerSettings settings) {
        DockerImageName image = DockerImageName.parse(settings.redisImage());
        GenericContainer<?> redis = new GenericContainer<>(image)
                .withCommand("redis-server", "--save", "", "--appendonly", "no")
                .withExposedPorts(6379)
                .waitingFor(Wait.forLogMessage(".*Ready to accept connections.*\\s", 1)
                        .withStartupTimeout(STARTUP_TIMEOUT));
        redis.start();
        RedisEndpoint endpoint = new RedisEndpoint(redis.getHost(), redis.getMappedPort(6379), 0, null, null);
        LOG.info("Redis container {} started on {}", image, endpoint.address());
        return new RedisHost() {
            @Override
            public Source source() {
                return Source.TESTCONTAINERS;
            }

            @Override
            public RedisEndpoint endpoint() {
                return endpoint;
            }

            @Override
            public void close() {
                redis.stop();
            }
        };
    }

    private static final class ContainerCluster implements PgServers {
        private final DockerImageName image;
        private final Network network;
        private final GenericContainer<?> primary;
        private final List<GenericContainer<?>> replicas = new ArrayList<>();
        private boolean closed;

        ContainerCluster(DockerImageName image, Network network, GenericContainer<?> primary) {
            this.image = image;
            this.network = network;
            this.primary = primary;
        }

        @Override
        public Source source() {
            return Source.TESTCONTAINERS;
        }

        @Override
        public PgEndpoint primary() {
            return endpoint(primary);
        }

        private static PgEndpoint endpoint(GenericContainer<?> container) {
            return new PgEndpoint(
                    container.getHost(),
                    container.getMappedPort(5432),
                    "postgres",
                    "postgres",
                    null,
                    java.util.Map.of());
        }

        @Override
        public synchronized List<PgEndpoint> replicas(int count) {
            while (replicas.size() < count) {
                String script = "set -e\n"
                        + "until pg_basebackup -h " + PRIMARY_ALIAS
                        + " -p 5432 -U postgres -D /tmp/replica -R -X stream -c fast;"
                        + " do rm -rf /tmp/replica; sleep 0.5; done\n"
                        + "chmod 0700 /tmp/replica\n"
                        + "exec postgres -D /tmp/replica -c listen_addresses='*' -c hot_standby=on\n";
                GenericContainer<?> replica = new GenericContainer<>(image)
                        .withNetwork(network)
                        .withCreateContainerCmdModifier(cmd -> cmd.withUser("postgres"))
                        .withCommand("sh", "-c", script)
                        .withExposedPorts(5432)
                        .waitingFor(
                                Wait.forLogMessage(".*database system is ready to accept read-only connections.*\\s", 1)
                                        .withStartupTimeout(STARTUP_TIMEOUT));
                replica.start();
                replicas.add(replica);
                LOG.info(
                        "PostgreSQL replica container {} started on {}:{}",
                        replicas.size(),
                        replica.getHost(),
                        replica.getMappedPort(5432));
            }
            List<PgEndpoint> result = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                result.add(endpoint(replicas.get(i)));
            }
            return result;
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            for (int i = replicas.size() - 1; i >= 0; i--) {
                replicas.get(i).stop();
            }
            primary.stop();
            network.close();
        }
    }
}
