package dev.adxcore.platform.examples.springtenantservice;

import dev.adxcore.platform.core.PlatformContext;
import dev.adxcore.platform.database.DatabaseManager;
import dev.adxcore.platform.database.NotFoundException;
import dev.adxcore.platform.database.ReadConsistency;
import io.temporal.failure.ApplicationFailure;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Activates a user in the tenant of the workflow's context, which the platform binds for every activity
 * (optimistic update; a concurrent change makes the activity fail and Temporal retry it). A bean implementing an
 * {@code @ActivityInterface}: the starter registers it with the auto-configured worker.
 */
@Component
class OnboardingActivitiesImpl implements OnboardingActivities {

    private static final Logger log = LoggerFactory.getLogger(OnboardingActivitiesImpl.class);

    private final DatabaseManager db;
    private final UserEvents events;

    OnboardingActivitiesImpl(DatabaseManager db, UserEvents events) {
        this.db = db;
        this.events = events;
    }

    @Override
    public OnboardingResult activate(OnboardUser request) {
        UUID tenant = PlatformContext.current()
                .flatMap(PlatformContext::tenantId)
                .orElseThrow(() -> ApplicationFailure.newNonRetryableFailure(
                        "the workflow's context names no tenant", "MissingTenant"));
        UUID userId = UUID.fromString(Objects.requireNonNull(request.userId()));
        UserRepository users = new UserRepository(db, ReadConsistency.latest());
        User user = users.findById(tenant, userId)
                .orElseThrow(() -> ApplicationFailure.newNonRetryableFailure(
                        "user " + userId + " does not exist in this tenant (deleted before onboarding?)",
                        "UserNotFound"));
        if ("active".equals(user.status())) {
            return new OnboardingResult(userId.toString(), user.status(), Objects.requireNonNull(user.version()));
        }
        User activated;
        try {
            activated = db.inTransaction(tenant, h -> {
                        User changed = users.update(
                                tenant,
                                new User(
                                        user.id(),
                                        user.email(),
                                        user.displayName(),
                                        "active",
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
