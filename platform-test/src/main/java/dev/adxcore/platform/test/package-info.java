/**
 * The ADX Core Platform test kit: real PostgreSQL (a primary and streaming hot-standby replicas) and a
 * real Redis for JUnit 5 tests, with a database and a key prefix of its own for every test class.
 *
 * <p>Annotate a test class with {@link dev.adxcore.platform.test.PlatformTest} and declare a
 * {@link dev.adxcore.platform.test.PostgresCluster} or {@link dev.adxcore.platform.test.RedisServer}
 * parameter (constructor, {@code @BeforeAll},
 * {@code @BeforeEach} or test method). Servers are found, in this order: explicit settings
 * ({@code PLATFORM_TEST_POSTGRES_URL}, {@code PLATFORM_TEST_POSTGRES_REPLICA_URL},
 * {@code PLATFORM_TEST_REDIS_URL}); Testcontainers when a Docker daemon answers; private servers started
 * from installed binaries; private servers started from the binaries Maven downloads from Maven Central with
 * this kit (so a JDK is all a machine needs). See {@link dev.adxcore.platform.test.TestServerSettings}.
 *
 * <p>Everything under {@code dev.adxcore.platform.test.internal} is implementation detail.
 *
 * @since 0.1.0
 */
@NullMarked
package dev.adxcore.platform.test;

import org.jspecify.annotations.NullMarked;
