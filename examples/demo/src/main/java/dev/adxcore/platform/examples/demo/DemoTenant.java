package dev.adxcore.platform.examples.demo;

import dev.adxcore.platform.examples.gateway.DevTokens;
import java.time.Duration;
import java.util.List;

/**
 * A demo tenant and the caller who acts in it, with a token minted locally with the gateway's public
 * development secret. Immutable.
 *
 * @param name a display name such as {@code Acme}
 * @param tenantId the tenant id (a UUID: the service keys tenants by UUID)
 * @param domain the e-mail domain of its users
 * @param userId the caller (the token's {@code sub})
 * @param roles the caller's roles (the token's {@code roles})
 * @param token the signed bearer token
 * @since 0.1.0
 */
public record DemoTenant(String name, String tenantId, String domain, String userId, List<String> roles, String token) {

    /**
     * Mints a token valid for 12 hours and describes the tenant.
     *
     * @param name display name
     * @param tenantId tenant UUID
     * @param domain e-mail domain
     * @param userId the caller
     * @param roles the caller's roles
     * @return the tenant
     */
    public static DemoTenant mint(String name, String tenantId, String domain, String userId, List<String> roles) {
        return new DemoTenant(
                name,
                tenantId,
                domain,
                userId,
                List.copyOf(roles),
                DevTokens.mintDev(userId, tenantId, roles, Duration.ofHours(12)));
    }

    /** @return Acme: caller {@code alice}, role {@code admin} */
    public static DemoTenant acme() {
        return mint("Acme", "a1a1a1a1-0000-4000-8000-000000000001", "acme.example", "alice", List.of("admin"));
    }

    /** @return Globex: caller {@code bob}, role {@code member} */
    public static DemoTenant globex() {
        return mint("Globex", "b2b2b2b2-0000-4000-8000-000000000002", "globex.example", "bob", List.of("member"));
    }
}
