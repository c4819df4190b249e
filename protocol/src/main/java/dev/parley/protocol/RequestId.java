package dev.parley.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Objects;

/**
 * The optional {@code id} of a client command, copied by the server into its direct reply: a JSON
 * string of at most {@value #MAX_STRING_LENGTH} chars, or an integer.
 */
public final class RequestId {
    public static final int MAX_STRING_LENGTH = 64;

    private final Object value;

    private RequestId(Object value) {
        this.value = value;
    }

    public static RequestId of(long value) {
        return new RequestId(value);
    }

    public static RequestId of(String value) {
        Objects.requireNonNull(value, "value");
        if (value.length() > MAX_STRING_LENGTH) {
            throw new IllegalArgumentException("id longer than " + MAX_STRING_LENGTH + " chars");
        }
        return new RequestId(value);
    }

    @JsonCreator
    static RequestId fromJson(Object value) {
        if (value instanceof Number number) {
            return of(number.longValue());
        }
        return of(String.valueOf(value));
    }

    /** A {@link Long} or a {@link String}. */
    @JsonValue
    public Object value() {
        return value;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RequestId id && id.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return value instanceof String ? '"' + (String) value + '"' : value.toString();
    }
}
