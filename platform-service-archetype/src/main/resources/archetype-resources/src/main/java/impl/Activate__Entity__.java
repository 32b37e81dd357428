package ${package}.impl;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The activation workflow's input.
 *
 * @param id the ${entity}'s id
 */
public record Activate${Entity}(@Nullable String id) {

    /**
     * Validation for the template (deterministic: looks only at the input).
     *
     * @return every problem found
     */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (id == null) {
            problems.add("id is required");
        } else {
            try {
                UUID.fromString(id);
            } catch (IllegalArgumentException e) {
                problems.add("id must be a UUID (was '" + id + "')");
            }
        }
        return problems;
    }
}
