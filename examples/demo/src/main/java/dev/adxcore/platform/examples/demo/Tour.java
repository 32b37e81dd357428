package dev.adxcore.platform.examples.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.adxcore.platform.core.TraceParent;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The scripted tour, through the gateway only: create users in two tenants, show that each tenant sees
 * only its own, show the events the consumer projected and the onboarding workflow's result (completed for
 * the admin's user, denied for the plain member's). Every step checks what it shows and fails with
 * {@link TourFailure} when the system does not behave as described, so the same tour is the end-to-end test.
 *
 * <p>Not thread-safe; one tour at a time.
 *
 * @since 0.1.0
 */
public final class Tour {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final URI gateway;
    private final DemoTenant first;
    private final DemoTenant second;
    private final PrintStream out;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * @param gateway the gateway's base URI
     * @param first a tenant whose token has the {@code admin} role (its onboarding completes)
     * @param second a tenant whose token has only the {@code member} role (its onboarding is denied)
     * @param out where the tour narrates
     */
    public Tour(URI gateway, DemoTenant first, DemoTenant second, PrintStream out) {
        this.gateway = Objects.requireNonNull(gateway, "gateway");
        this.first = Objects.requireNonNull(first, "first");
        this.second = Objects.requireNonNull(second, "second");
        this.out = Objects.requireNonNull(out, "out");
    }

    /**
     * What a tour created, for further checks.
     *
     * @param firstUserId the user created in the first tenant
     * @param secondUserId the user created in the second tenant
     * @param firstActivity the event types projected for the first user
     */
    public record Result(String firstUserId, String secondUserId, List<String> firstActivity) {}

    /** A step of the tour showed something other than what it expected. */
    public static final class TourFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TourFailure(String message) {
            super(message);
        }
    }

    /**
     * Runs the tour.
     *
     * @return what it created
     * @throws TourFailure when a step does not see what it expects
     */
    public Result run() {
        String run = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
        out.println();
        out.println("== Tour (through the gateway at " + gateway + ") ==");
        out.println("   trace id of the tour: " + trace.traceId()
                + " (every request below continues it: trace_id in the logs, one trace with an OTel SDK or agent)");

        step("1. " + first.name() + " (admin) creates Ada; " + second.name() + " (member) creates Grace");
        Response ada = call(
                first,
                "POST",
                "/api/v1/users",
                "{\"email\":\"ada." + run + "@" + first.domain() + "\",\"displayName\":\"Ada Lovelace\"}",
                null);
        expect(ada.status == 201, "creating Ada should answer 201, got " + ada);
        String adaId = ada.json().path("id").asText();
        String adaToken = ada.header("X-Causal-Token");
        show("   POST /api/v1/users -> 201, id " + adaId + ", status "
                + ada.json().path("status").asText() + ", X-Causal-Token " + adaToken);
        Response grace = call(
                second,
                "POST",
                "/api/v1/users",
                "{\"email\":\"grace." + run + "@" + second.domain() + "\",\"displayName\":\"Grace Hopper\"}",
                null);
        expect(grace.status == 201, "creating Grace should answer 201, got " + grace);
        String graceId = grace.json().path("id").asText();
        String graceToken = grace.header("X-Causal-Token");
        show("   POST /api/v1/users -> 201, id " + graceId);

        step("2. Each tenant lists its users (read-your-writes: the causal token goes back with the read)");
        List<String> firstEmails = emails(call(first, "GET", "/api/v1/users?limit=100", null, adaToken));
        List<String> secondEmails = emails(call(second, "GET", "/api/v1/users?limit=100", null, graceToken));
        show("   " + first.name() + " sees " + firstEmails);
        show("   " + second.name() + " sees " + secondEmails);
        expect(firstEmails.stream().anyMatch(e -> e.startsWith("ada." + run)), first.name() + " should see Ada");
        expect(
                firstEmails.stream().noneMatch(e -> e.endsWith("@" + second.domain())),
                first.name() + " must not see " + second.name() + "'s users");
        expect(secondEmails.stream().anyMatch(e -> e.startsWith("grace." + run)), second.name() + " should see Grace");
        expect(
                secondEmails.stream().noneMatch(e -> e.endsWith("@" + first.domain())),
                second.name() + " must not see " + first.name() + "'s users");

        step("3. " + second.name() + " asks for Ada by id: row-level security makes her not exist for it");
        Response cross = call(second, "GET", "/api/v1/users/" + adaId, null, null);
        show("   GET /api/v1/users/" + adaId + " as " + second.name() + " -> " + cross.status);
        expect(cross.status == 404, "a cross-tenant read must answer 404, got " + cross);

        step("4. The onboarding workflow (standard template: validate, permission, activate, completion event)");
        JsonNode adaOnboarding = await(
                first,
                "/api/v1/users/" + adaId + "/onboarding",
                adaToken,
                n -> !n.path("status").asText().equals("RUNNING"),
                "Ada's onboarding to finish");
        show("   Ada:   " + adaOnboarding.path("status").asText() + " " + adaOnboarding.path("result"));
        expect(
                adaOnboarding.path("status").asText().equals("COMPLETED"),
                "Ada's onboarding should complete (admin role), got " + adaOnboarding);
        JsonNode graceOnboarding = await(
                second,
                "/api/v1/users/" + graceId + "/onboarding",
                graceToken,
                n -> !n.path("status").asText().equals("RUNNING"),
                "Grace's onboarding to finish");
        show("   Grace: " + graceOnboarding.path("status").asText() + " "
                + graceOnboarding.path("failureType").asText() + ": "
                + graceOnboarding.path("message").asText());
        expect(
                graceOnboarding.path("status").asText().equals("FAILED")
                        && graceOnboarding.path("failureType").asText().equals("PermissionDenied"),
                "Grace's onboarding should be denied (member role only), got " + graceOnboarding);
        Response adaNow = call(first, "GET", "/api/v1/users/" + adaId, null, null);
        expect("active".equals(adaNow.json().path("status").asText()), "Ada should be active now, got " + adaNow);
        show("   GET Ada -> status " + adaNow.json().path("status").asText() + ", version "
                + adaNow.json().path("version").asText());

        step("5. The events, as the activity consumer projected them");
        JsonNode activity = await(
                first,
                "/api/v1/users/" + adaId + "/activity",
                null,
                n -> types(n).containsAll(List.of("user.created", "user.updated", "user.onboard.completed")),
                "Ada's events to be projected");
        List<String> adaTypes = types(activity);
        for (JsonNode item : activity.path("items")) {
            show("   " + String.format(Locale.ROOT, "%-24s", item.path("type").asText()) + " correlation "
                    + item.path("correlationId").asText() + " by "
                    + item.path("actor").asText());
        }
        out.println();
        out.println("Tour passed.");
        return new Result(adaId, graceId, adaTypes);
    }

    private static List<String> types(JsonNode activity) {
        List<String> types = new ArrayList<>();
        activity.path("items").forEach(i -> types.add(i.path("type").asText()));
        return types;
    }

    private static List<String> emails(Response list) {
        if (list.status != 200) {
            throw new TourFailure("listing users should answer 200, got " + list);
        }
        List<String> emails = new ArrayList<>();
        list.json().path("items").forEach(u -> emails.add(u.path("email").asText()));
        return emails;
    }

    private JsonNode await(
            DemoTenant tenant, String path, @Nullable String causalToken, Predicate<JsonNode> done, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Response last;
        do {
            last = call(tenant, "GET", path, null, causalToken);
            if (last.status == 200 && done.test(last.json())) {
                return last.json();
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TourFailure("interrupted while waiting for " + what);
            }
        } while (System.nanoTime() < deadline);
        throw new TourFailure(
                "timed out after " + WAIT.toSeconds() + "s waiting for " + what + "; last answer " + last);
    }

    private void step(String text) {
        out.println();
        out.println(text);
    }

    private void show(String text) {
        out.println(text);
    }

    /** The tour's one trace: each request carries a child of it as its {@code traceparent}. */
    private final TraceParent trace = TraceParent.newRoot();

    private static void expect(boolean condition, String message) {
        if (!condition) {
            throw new TourFailure(message);
        }
    }

    private Response call(
            DemoTenant tenant, String method, String path, @Nullable String body, @Nullable String causalToken) {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + tenant.token())
                .header("X-Correlation-Id", "tour-" + UUID.randomUUID())
                .header(TraceParent.HEADER, trace.newChild().toHeader());
        if (causalToken != null) {
            request.header("X-Causal-Token", causalToken);
        }
        if (body != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(), response);
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TourFailure("interrupted during " + method + " " + path);
        }
    }

    private static final class Response {
        final int status;
        final String body;
        final HttpResponse<String> raw;

        Response(int status, String body, HttpResponse<String> raw) {
            this.status = status;
            this.body = body;
            this.raw = raw;
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new TourFailure("expected JSON, got " + this);
            }
        }

        String header(String name) {
            return raw.headers()
                    .firstValue(name)
                    .orElseThrow(() -> new TourFailure("response lacks " + name + ": " + this));
        }

        @Override
        public String toString() {
            return status + " " + (body.length() > 300 ? body.substring(0, 300) + "..." : body);
        }
    }
}
