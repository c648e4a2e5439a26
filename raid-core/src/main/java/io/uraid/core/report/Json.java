package io.uraid.core.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;

/**
 * JSON for status and examine output, written by Jackson: maps keep their order, absent values
 * are written as null. One shared mapper (thread-safe once built).
 */
public final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    /** {@code value} (maps, lists, strings, numbers, booleans, null) as one line of JSON. */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** A u64 from disk (events, resync_offset) as the unsigned number it is. */
    public static Number unsigned(long v) {
        return v >= 0 ? (Number) v : new BigInteger(Long.toUnsignedString(v));
    }
}
