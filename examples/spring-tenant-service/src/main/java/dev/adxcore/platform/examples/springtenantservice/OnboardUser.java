package dev.adxcore.platform.examples.springtenantservice;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The onboarding workflow's input.
 *
 * @param userId the new user's id
 * @param email the new user's address
 */
public record OnboardUser(@Nullable String userId, @Nullable String email) {

    /**
     * Validation for the template (deterministic: looks only at the input).
     *
     * @return every problem found
     */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (userId == null) {
            problems.add("userId is required");
        } else {
            try {
                UUID.fromString(userId);
            } catch (IllegalArgumentException e) {
                problems.add("userId must be a UUID (was '" + userId + "')");
            }
        }
        if (email == null || email.indexOf('@') < 1) {
            problems.add("email must be an e-mail address");
        }
        return problems;
    }
}
