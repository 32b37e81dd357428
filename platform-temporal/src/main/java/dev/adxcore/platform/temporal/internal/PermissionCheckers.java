package dev.adxcore.platform.temporal.internal;

import dev.adxcore.platform.temporal.PermissionChecker;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the permission checkers: the explicit ones, else the ServiceLoader ones, else none (deny all).
 * Thread-safe (stateless); called once per worker, so its cost (a ServiceLoader scan at most) is paid at start.
 */
public final class PermissionCheckers {

    private static final Logger log = LoggerFactory.getLogger(PermissionCheckers.class);

    private PermissionCheckers() {}

    /**
     * @param explicit checkers given in code
     * @return the checkers to use; empty means every operation is denied
     */
    public static List<PermissionChecker> resolve(List<PermissionChecker> explicit) {
        if (!explicit.isEmpty()) {
            return List.copyOf(explicit);
        }
        List<PermissionChecker> found = new ArrayList<>();
        for (PermissionChecker checker :
                ServiceLoader.load(PermissionChecker.class, PermissionChecker.class.getClassLoader())) {
            found.add(checker);
        }
        if (found.isEmpty()) {
            log.warn("No PermissionChecker configured or found with ServiceLoader: every standard-template workflow "
                    + "will fail with PermissionDenied");
        } else {
            log.info(
                    "Using PermissionChecker(s) found with ServiceLoader: {}",
                    found.stream().map(c -> c.getClass().getName()).toList());
        }
        return List.copyOf(found);
    }
}
