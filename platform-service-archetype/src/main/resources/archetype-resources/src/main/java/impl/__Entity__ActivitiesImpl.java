package ${package}.impl;

import ${package}.${Entity};
import dev.adxcore.platform.database.DatabaseManager;
import dev.adxcore.platform.database.NotFoundException;
import io.temporal.failure.ApplicationFailure;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Activates a ${entity} in the tenant of the workflow's context, which the platform binds for every activity
 * (optimistic update; a concurrent change makes the activity fail and Temporal retry it).
 */
public class ${Entity}ActivitiesImpl implements ${Entity}Activities {

    private static final Logger log = LoggerFactory.getLogger(${Entity}ActivitiesImpl.class);

    private final DatabaseManager db;
    private final ${Entity}Repository repository;
    private final ${Entity}Events events;

    /**
     * @param db the database
     * @param events records {@code ${entity}.updated} in the activation's unit of work
     */
    public ${Entity}ActivitiesImpl(DatabaseManager db, ${Entity}Events events) {
        this.db = Objects.requireNonNull(db, "db");
        this.repository = new ${Entity}Repository(db);
        this.events = Objects.requireNonNull(events, "events");
    }

    @Override
    public ActivationResult activate(Activate${Entity} request) {
        UUID id = UUID.fromString(Objects.requireNonNull(request.id()));
        ${Entity} current = repository.findById(id).orElseThrow(() -> ApplicationFailure.newNonRetryableFailure(
                "${entity} " + id + " does not exist in this tenant (deleted before activation?)", "NotFound"));
        if (${Entity}.ACTIVE.equals(current.status())) {
            return new ActivationResult(id.toString(), current.status(), Objects.requireNonNull(current.version()));
        }
        ${Entity} activated;
        try {
            activated = db.inTransaction(h -> {
                ${Entity} changed = repository.update(new ${Entity}(current.id(), current.name(), ${Entity}.ACTIVE,
                        current.version(), current.createdAt(), OffsetDateTime.now(ZoneOffset.UTC)));
                events.record("${entity}.updated", changed);   // in the same unit as the update
                return changed;
            }).value();
        } catch (NotFoundException e) {
            throw ApplicationFailure.newNonRetryableFailure("${entity} " + id + " was deleted during activation",
                    "NotFound");
        }
        log.info("${Entity} {} activated", id);
        return new ActivationResult(id.toString(), activated.status(), Objects.requireNonNull(activated.version()));
    }
}
