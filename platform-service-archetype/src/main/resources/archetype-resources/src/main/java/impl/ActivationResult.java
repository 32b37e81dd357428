package ${package}.impl;

/**
 * What the activation produced.
 *
 * @param id the ${entity}'s id
 * @param status its status after activation ({@code active})
 * @param version its version after activation
 */
public record ActivationResult(String id, String status, long version) {
}
