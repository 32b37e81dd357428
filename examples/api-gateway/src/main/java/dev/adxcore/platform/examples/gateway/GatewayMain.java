package dev.adxcore.platform.examples.gateway;

import dev.adxcore.platform.core.Settings;
import dev.adxcore.platform.examples.tracing.OtlpTracing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Command line of the gateway example.
 *
 * <pre>
 * java -jar api-gateway.jar [--dev] [--port 8080] [--bind 0.0.0.0] --route users=http://127.0.0.1:8081 [--route ...]
 * java -jar api-gateway.jar mint-token [--sub alice] [--tenant acme] [--roles admin,reader] [--ttl 1h]
 * </pre>
 *
 * <p>Settings come from {@code PLATFORM_GATEWAY_*} variables (see {@link GatewayConfig}); options
 * override them. {@code --dev} fills in what is missing for local use: the public development secret,
 * issuer and audience of {@link DevTokens}, and binding to 127.0.0.1. {@code mint-token} prints a token
 * signed with {@code PLATFORM_GATEWAY_JWT_SECRET} (issuer and audience from the variables too), or with
 * the development values when the secret is not set.
 *
 * <p>Spans are exported over OTLP when {@code OTEL_*} settings ask for it ({@link OtlpTracing}).
 *
 * <p>Recommended JVM options for a small (2-core) machine, which keep the resident size under 256 MB
 * under load (measured in {@code benchmarks/results/gateway.md}):
 * <pre>
 * java -Xmx128m -XX:+UseSerialGC -Xss512k -XX:MaxDirectMemorySize=32m -XX:ReservedCodeCacheSize=64m \
 *      -XX:MaxMetaspaceSize=64m -jar api-gateway.jar ...
 * </pre>
 * (or the same options in {@code JDK_JAVA_OPTIONS}).
 *
 * @since 0.1.0
 */
public final class GatewayMain {

    private static final Logger log = LoggerFactory.getLogger(GatewayMain.class);

    private GatewayMain() {}

    /**
     * Runs the gateway until the process is stopped, or mints a token.
     *
     * @param args the options above
     * @throws InterruptedException when interrupted while running
     */
    public static void main(String[] args) throws InterruptedException {
        try {
            if (args.length > 0 && args[0].equals("mint-token")) {
                System.out.println(mintToken(args, System.getenv()));
                return;
            }
            // Before anything reads GlobalOpenTelemetry: OTLP export when OTEL_* settings ask for it.
            OtlpTracing.installIfConfigured("api-gateway");
            GatewayConfig config = configure(args, System.getenv());
            ApiGateway gateway = ApiGateway.start(config);
            Runtime.getRuntime().addShutdownHook(new Thread(gateway::close, "gateway-shutdown"));
            gateway.join();
        } catch (IllegalArgumentException e) {
            System.err.println("api-gateway: " + e.getMessage());
            System.err.println(usage());
            System.exit(2);
        }
    }

    static String usage() {
        return """
                usage: api-gateway [--dev] [--port 8080] [--bind 0.0.0.0] --route name=http://host:port [--route ...]
                       api-gateway mint-token [--sub alice] [--tenant acme] [--roles admin,reader] [--ttl 1h]
                settings also come from PLATFORM_GATEWAY_* variables (see README)
                recommended JVM options: -Xmx128m -XX:+UseSerialGC -Xss512k -XX:MaxDirectMemorySize=32m
                  -XX:ReservedCodeCacheSize=64m -XX:MaxMetaspaceSize=64m""";
    }

    /**
     * Builds the configuration from the environment and the options.
     *
     * @param args the options
     * @param env the environment
     * @return the validated configuration
     * @throws IllegalArgumentException for an unknown option or an invalid setting
     */
    static GatewayConfig configure(String[] args, Map<String, String> env) {
        GatewayConfig.Builder builder = GatewayConfig.builder().environment(env);
        boolean dev = false;
        boolean bindGiven = env.containsKey("PLATFORM_GATEWAY_BIND_ADDRESS");
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--dev" -> dev = true;
                case "--route" -> builder.route(value(args, ++i, arg));
                case "--port" -> builder.port((int) Settings.parseLong("--port", value(args, ++i, arg)));
                case "--bind" -> {
                    builder.bindAddress(value(args, ++i, arg));
                    bindGiven = true;
                }
                default -> throw new IllegalArgumentException("unknown option '" + arg + "'");
            }
        }
        if (dev) {
            boolean keysGiven =
                    env.containsKey("PLATFORM_GATEWAY_JWT_SECRET") || env.containsKey("PLATFORM_GATEWAY_JWKS_URL");
            if (!keysGiven) {
                builder.jwtSecret(DevTokens.DEV_SECRET);
                log.warn("DEVELOPMENT MODE: tokens are verified with the public development secret; anyone can"
                        + " mint them. Never run --dev outside your machine.");
            }
            if (!env.containsKey("PLATFORM_GATEWAY_JWT_ISSUER")) {
                builder.jwtIssuer(DevTokens.DEV_ISSUER);
            }
            if (!env.containsKey("PLATFORM_GATEWAY_JWT_AUDIENCE")) {
                builder.jwtAudience(DevTokens.DEV_AUDIENCE);
            }
            if (!bindGiven) {
                builder.bindAddress("127.0.0.1");
            }
        }
        return builder.build();
    }

    static String mintToken(String[] args, Map<String, String> env) {
        String sub = "dev-user";
        String tenant = "dev-tenant";
        List<String> roles = new ArrayList<>(List.of("user"));
        Duration ttl = Duration.ofHours(1);
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--sub" -> sub = value(args, ++i, arg);
                case "--tenant" -> tenant = value(args, ++i, arg);
                case "--roles" -> roles = Settings.parseList(value(args, ++i, arg));
                case "--ttl" -> ttl = Settings.parseDuration("--ttl", value(args, ++i, arg));
                default -> throw new IllegalArgumentException("unknown mint-token option '" + arg + "'");
            }
        }
        return DevTokens.mint(
                env.getOrDefault("PLATFORM_GATEWAY_JWT_SECRET", DevTokens.DEV_SECRET),
                env.getOrDefault("PLATFORM_GATEWAY_JWT_ISSUER", DevTokens.DEV_ISSUER),
                env.getOrDefault("PLATFORM_GATEWAY_JWT_AUDIENCE", DevTokens.DEV_AUDIENCE),
                sub,
                tenant,
                roles,
                ttl);
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new IllegalArgumentException("option " + option + " needs a value");
        }
        return args[index];
    }
}
