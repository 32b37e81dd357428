package dev.adxcore.platform.events.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.adxcore.platform.events.InvalidEventException;
import java.io.IOException;

/**
 * Shared Jackson objects. Internal: not part of the API. Thread-safe: the mapper and factory are configured once
 * and shared, because creating a mapper is expensive.
 */
public final class Json {

    /** The one mapper of this jar; thread-safe once configured. */
    public static final ObjectMapper MAPPER = JsonMapper.builder().build();
    /** The factory for streaming parsers and generators. */
    public static final JsonFactory FACTORY = MAPPER.getFactory();

    private Json() {}

    /**
     * Checks that the text is exactly one well-formed JSON value, streaming (no tree is built).
     *
     * @param json the text
     * @throws InvalidEventException if it is not
     */
    public static void requireWellFormed(String json) {
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() == null) {
                throw new InvalidEventException("event data must be JSON (was empty)");
            }
            p.skipChildren();
            if (p.nextToken() != null) {
                throw new InvalidEventException("event data must be a single JSON value (found trailing content)");
            }
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("event data must be well-formed JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new InvalidEventException("event data could not be read: " + e.getMessage(), e);
        }
    }
}
