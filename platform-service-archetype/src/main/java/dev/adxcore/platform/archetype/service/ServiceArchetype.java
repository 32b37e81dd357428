package dev.adxcore.platform.archetype.service;

import java.util.List;

/**
 * The coordinates and properties of the {@code platform-service-archetype}: a standalone multi-tenant service
 * on the platform jars, generated with
 * <pre>
 * mvn archetype:generate -DarchetypeGroupId=dev.adxcore -DarchetypeArtifactId=platform-service-archetype \
 *     -DarchetypeVersion=VERSION -DgroupId=com.example.billing -DartifactId=invoice-service \
 *     -Dpackage=com.example.billing -Dentity=invoice
 * </pre>
 * The jar's payload is {@code META-INF/maven/archetype-metadata.xml} and {@code archetype-resources/}; this class
 * only names what they read. Stateless.
 *
 * @since 0.1.0
 */
public final class ServiceArchetype {

    /** The archetype's group id. */
    public static final String GROUP_ID = "dev.adxcore";
    /** The archetype's artifact id. */
    public static final String ARTIFACT_ID = "platform-service-archetype";
    /** The first entity's name: lower case, singular, a plain identifier; default {@code note}. */
    public static final String ENTITY = "entity";
    /** Derived from {@link #ENTITY}: the class name ({@code Invoice}). */
    public static final String ENTITY_CLASS = "Entity";
    /** Derived from {@link #ENTITY}: the table and URL path segment ({@code invoices}). */
    public static final String ENTITY_PLURAL = "entities";
    /** Derived from {@link #ENTITY}: the database role the service connects as ({@code invoice_app}). */
    public static final String APPLICATION_ROLE = "appRole";

    private ServiceArchetype() {}

    /**
     * The properties the archetype asks for besides Maven's own (groupId, artifactId, version, package).
     *
     * @return the property names, in the order they are asked for
     */
    public static List<String> properties() {
        return List.of(ENTITY, ENTITY_CLASS, ENTITY_PLURAL, APPLICATION_ROLE);
    }
}
