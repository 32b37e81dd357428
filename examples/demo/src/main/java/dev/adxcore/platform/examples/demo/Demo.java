package dev.adxcore.platform.examples.demo;

import dev.adxcore.platform.examples.tracing.OtlpTracing;
import java.io.PrintStream;
import java.net.URI;
import java.util.concurrent.CountDownLatch;

/**
 * The one-command demo.
 *
 * <pre>
 * java -jar examples/demo/target/demo.jar [--no-tour] [--exit-after-tour] [--gateway-port 8080]
 *      [--service-port 8090] [--management-port 8091] [--temporal-port 7233]
 * </pre>
 *
 * <p>Starts the {@link DemoStack}, prints the URLs, a token for each of the two demo tenants and curl lines
 * to try, runs the {@link Tour} unless {@code --no-tour}, then keeps running until Ctrl-C (or exits after
 * the tour with {@code --exit-after-tour}, status 0 when it passed). Real servers are used when
 * {@code PLATFORM_DB_*}, {@code PLATFORM_EVENTS_URL} and {@code PLATFORM_TEMPORAL_TARGET} are set. Spans are
 * exported over OTLP when {@code OTEL_*} settings ask for it ({@link OtlpTracing}).
 *
 * @since 0.1.0
 */
public final class Demo {

    private Demo() {}

    /**
     * Runs the demo.
     *
     * @param args the options above
     * @throws InterruptedException when interrupted while running
     */
    public static void main(String[] args) throws InterruptedException {
        if (System.getProperty("logback.configurationFile") == null) {
            // Before the first logger: the demo's own configuration, not the service's or the gateway's.
            System.setProperty("logback.configurationFile", "demo-logback.xml");
        }
        boolean tour = true;
        boolean exitAfterTour = false;
        DemoStack.Options defaults = DemoStack.Options.defaults();
        int gateway = defaults.gatewayPort();
        int service = defaults.servicePort();
        int management = defaults.managementPort();
        int temporal = defaults.temporalPort();
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--no-tour" -> tour = false;
                    case "--exit-after-tour" -> exitAfterTour = true;
                    case "--gateway-port" -> gateway = port(args, ++i);
                    case "--service-port" -> service = port(args, ++i);
                    case "--management-port" -> management = port(args, ++i);
                    case "--temporal-port" -> temporal = port(args, ++i);
                    case "-h", "--help" -> {
                        System.out.println(usage());
                        return;
                    }
                    default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("demo: " + e.getMessage());
            System.err.println(usage());
            System.exit(2);
            return;
        }

        // Before anything reads GlobalOpenTelemetry: OTLP export when OTEL_* settings ask for it.
        OtlpTracing.installIfConfigured("adxcore-demo");
        PrintStream out = System.out;
        out.println(
                "Starting the ADX Core Platform demo (PostgreSQL, Temporal, event bus, tenant-service, gateway)...");
        DemoStack stack;
        try {
            stack = DemoStack.start(new DemoStack.Options(gateway, service, management, temporal), System.getenv());
        } catch (RuntimeException e) {
            System.err.println("demo: could not start: " + e.getMessage());
            System.err.println(
                    "(ports in use? choose others with --gateway-port/--service-port/--management-port/--temporal-port)");
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            System.out.println();
                            System.out.println("Stopping the demo...");
                            stack.close();
                            System.out.println("Stopped.");
                            stopped.countDown();
                        },
                        "demo-shutdown"));

        DemoTenant acme = DemoTenant.acme();
        DemoTenant globex = DemoTenant.globex();
        printBanner(out, stack, acme, globex);

        if (tour) {
            try {
                new Tour(stack.gatewayUri(), acme, globex, out).run();
            } catch (RuntimeException e) {
                System.err.println();
                System.err.println("Tour FAILED: " + e.getMessage());
                if (exitAfterTour) {
                    System.exit(1);
                }
            }
        }
        if (exitAfterTour) {
            System.exit(0);
        }
        out.println();
        out.println("The demo keeps running; press Ctrl-C to stop it.");
        stopped.await();
    }

    private static void printBanner(PrintStream out, DemoStack stack, DemoTenant acme, DemoTenant globex) {
        String g = stack.gatewayUri().toString();
        out.println();
        out.println("== ADX Core Platform demo is up ==");
        out.println("  gateway         " + g + "   (routes /api/v1/users/** to the tenant-service)");
        out.println("  tenant-service  " + stack.serviceUri() + "   (behind the gateway)");
        out.println("  health/metrics  " + stack.managementUri() + "/health   " + stack.managementUri() + "/metrics");
        URI gm = stack.gatewayManagementUri();
        out.println("  gateway health  " + gm + "/health   " + gm + "/metrics");
        out.println("  database        " + stack.databaseDescription());
        out.println("  events          " + stack.eventBusDescription());
        out.println("  temporal        " + stack.temporalTarget());
        out.println();
        out.println("Tokens (signed locally with the gateway's public DEVELOPMENT secret, valid 12 h):");
        for (DemoTenant t : new DemoTenant[] {acme, globex}) {
            out.println("  " + t.name() + " (tenant " + t.tenantId() + ", user " + t.userId() + ", roles " + t.roles()
                    + "):");
            out.println("    export " + t.name().toUpperCase(java.util.Locale.ROOT) + "=" + t.token());
        }
        out.println();
        out.println("Try:");
        out.println("  curl -s -X POST " + g + "/api/v1/users -H \"Authorization: Bearer $ACME\" \\");
        out.println(
                "       -H 'Content-Type: application/json' -d '{\"email\":\"linus@acme.example\",\"displayName\":\"Linus\"}'");
        out.println("  curl -s " + g + "/api/v1/users -H \"Authorization: Bearer $ACME\"");
        out.println("  curl -s " + g
                + "/api/v1/users -H \"Authorization: Bearer $GLOBEX\"     # sees none of Acme's users");
        out.println("  curl -s " + g + "/api/v1/users/<id>/activity -H \"Authorization: Bearer $ACME\"");
        out.println("  curl -s " + g + "/api/v1/users/<id>/onboarding -H \"Authorization: Bearer $ACME\"");
        out.println("  curl -s " + stack.managementUri() + "/health/ready");
    }

    private static int port(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException("option " + args[i - 1] + " needs a port number");
        }
        try {
            int p = Integer.parseInt(args[i]);
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(args[i - 1] + " must be a port number 0..65535 (was '" + args[i] + "')");
        }
    }

    private static String usage() {
        return """
                usage: java -jar examples/demo/target/demo.jar [--no-tour] [--exit-after-tour]
                       [--gateway-port 8080] [--service-port 8090] [--management-port 8091] [--temporal-port 7233]
                real servers: set PLATFORM_DB_* (+ PLATFORM_DB_MIGRATION_USERNAME), PLATFORM_EVENTS_URL=redis://...,
                PLATFORM_TEMPORAL_TARGET=host:7233""";
    }
}
