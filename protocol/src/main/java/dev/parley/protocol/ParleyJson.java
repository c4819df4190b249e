package dev.parley.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * The protocol's JSON codec. Writing is exact; reading server events is lenient as the contract
 * asks: unknown fields and unknown event types are ignored, so a newer server does not break an
 * older client.
 */
public final class ParleyJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_INVALID_SUBTYPE)
            .enable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();
    private static final ObjectReader EVENT_READER = MAPPER.readerFor(ServerEvent.class);
    private static final ObjectWriter WRITER = MAPPER.writer();

    private ParleyJson() {
    }

    /** The shared, fully configured mapper (thread-safe; do not reconfigure it). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Encodes a command or event as one JSON object. */
    public static String write(Object value) {
        try {
            return WRITER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not encodable: " + value, e);
        }
    }

    /** Encodes a command or event as UTF-8 JSON into {@code out}. */
    public static void write(Object value, OutputStream out) {
        try {
            WRITER.writeValue(out, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Encodes a command or event as UTF-8 JSON into {@code out}, the same bytes as
     * {@link #write(Object, OutputStream)}: the hot types through {@link HotJson}, the rest through Jackson.
     */
    public static void write(Object value, JsonBytes out) {
        if (!HotJson.write(value, out)) {
            write(value, (OutputStream) out);
        }
    }

    /**
     * Reads one server event, or returns {@code null} for an event type this version does not know.
     *
     * @throws IOException when {@code json} is not a well-formed event
     */
    public static ServerEvent readEvent(String json) throws IOException {
        return EVENT_READER.readValue(json);
    }
}
