package dev.adxcore.platform.examples.tenantservice.impl;

import dev.adxcore.platform.database.DatabaseManager;
import dev.adxcore.platform.database.NotFoundException;
import dev.adxcore.platform.examples.tenantservice.User;
import io.temporal.failure.ApplicationFailure;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Activates a user in the tenant of the workflow's context, which the platform binds for every activity
 * (optimistic update; a concurrent change makes the activity fail and Temporal retry it).
 */
public class OnboardingActivitiesImpl implements OnboardingActivities {

    private static final Logger log = LoggerFactory.getLogger(OnboardingActivitiesImpl.class);

    private final DatabaseManager db;
    private final UserEvents events;

    /**
     * @param db the database
     * @param events records {@code user.updated} for the activation in the same unit
     */
    public OnboardingActivitiesImpl(DatabaseManager db, UserEvents events) {
        this.db = Objects.requireNonNull(db, "db");
        this.events = Objects.requireNonNull(events, "events");
    }

    @Override
    public OnboardingResult activate(OnboardUser request) {
        UUID userId = UUID.fromString(Objects.requireNonNull(request.userId()));
        UserRepository users = new UserRepository(db);
        User user = users.findById(userId)
                .orElseThrow(() -> ApplicationFailure.newNonRetryableFailure(
                        "user " + userId + " does not exist in this tenant (deleted before onboarding?)",
                        "UserNotFound"));
        if (User.ACTIVE.equals(user.status())) {
            return new OnboardingResult(userId.toString(), user.status(), Objects.requireNonNull(user.version()));
        }
        User activated;
        try {
            activated = db.inTransaction(h -> {
                        User changed = users.update(new User(
                                user.id(),
                                user.email(),
                                user.displayName(),
                                User.ACTIVE,
                                user.version(),
                                user.createdAt(),
                                OffsetDateTime.now(ZoneOffset.UTC)));
                        events.record("user.updated", changed);
                        return changed;
                    })
                    .value();
        } catch (NotFoundException e) {
            throw ApplicationFailure.newNonRetryableFailure(
                    "user " + userId + " was deleted during onboarding", "UserNotFound");
        }
        log.info("User {} activated by onboarding", userId);
        return new OnboardingResult(userId.toString(), activated.status(), Objects.requireNonNull(activated.version()));
    }
}
