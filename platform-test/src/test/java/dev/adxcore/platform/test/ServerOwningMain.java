package dev.adxcore.platform.test;

/**
 * A JVM that starts private servers, prints their ports and then ends: {@code fail} throws out of main
 * (the shutdown hook runs), {@code halt} halts the JVM at once (no hook runs, as with {@code kill -9}).
 */
final class ServerOwningMain {
    private ServerOwningMain() {}

    public static void main(String[] args) {
        TestServerSettings local = PrivateServersTest.localSettings();
        PostgresCluster db = TestServers.privatePostgres(local, 1);
        RedisServer redis = TestServers.privateRedis(local);
        for (int port : PrivateServersTest.ports(db, redis)) {
            System.out.println("PORT " + port);
        }
        System.out.flush();
        if (args.length > 0 && args[0].equals("halt")) {
            Runtime.getRuntime().halt(0);
        }
        throw new IllegalStateException("a test failed");
    }
}
