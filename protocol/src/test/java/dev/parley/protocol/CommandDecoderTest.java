package dev.parley.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class CommandDecoderTest {

    private static Command decode(String json) throws ProtocolException {
        return CommandDecoder.decode(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    private static ProtocolException failure(String json) {
        return catchThrowableOfType(ProtocolException.class, () -> decode(json));
    }

    @Test
    void decodesEveryCommandType() throws Exception {
        assertThat(decode("{\"type\":\"hello\",\"id\":1,\"nick\":\"alice\",\"resume\":\"r\"}"))
                .isEqualTo(new Command.Hello(RequestId.of(1), "alice", null, "r"));
        assertThat(decode("{\"type\":\"join\",\"id\":\"j\",\"room\":\"general\",\"since\":{\"epoch\":\"e-1\",\"offset\":41}}"))
                .isEqualTo(new Command.Join(RequestId.of("j"), "general", new StreamPosition("e-1", 41)));
        assertThat(decode("{\"type\":\"leave\",\"room\":\"general\"}")).isEqualTo(new Command.Leave(null, "general"));
        assertThat(decode("{\"type\":\"send\",\"id\":4,\"room\":\"r\",\"text\":\"hi\"}"))
                .isEqualTo(new Command.Send(RequestId.of(4), "r", "hi"));
        assertThat(decode("{\"type\":\"dm\",\"id\":5,\"to\":\"bob\",\"text\":\"psst\"}"))
                .isEqualTo(new Command.SendDm(RequestId.of(5), "bob", "psst"));
        assertThat(decode("{\"type\":\"typing\",\"room\":\"r\"}")).isEqualTo(new Command.Typing(null, "r"));
        assertThat(decode("{\"type\":\"who\",\"id\":6,\"room\":\"r\"}"))
                .isEqualTo(new Command.Who(RequestId.of(6), "r", null, null));
        assertThat(decode("{\"type\":\"who\",\"id\":6,\"room\":\"r\",\"after\":\"bob\",\"limit\":1000}"))
                .isEqualTo(new Command.Who(RequestId.of(6), "r", "bob", 1000));
        assertThat(decode("{\"type\":\"rooms\",\"id\":7}")).isEqualTo(new Command.ListRooms(RequestId.of(7)));
        assertThat(decode("{\"type\":\"history\",\"id\":8,\"room\":\"r\",\"before\":58,\"limit\":50}"))
                .isEqualTo(new Command.FetchHistory(RequestId.of(8), "r", 58L, 50));
        assertThat(decode("{\"type\":\"ping\",\"id\":9}")).isEqualTo(new Command.Ping(RequestId.of(9)));
    }

    @Test
    void ignoresUnknownFields() throws Exception {
        assertThat(decode("{\"type\":\"ping\",\"id\":9,\"future\":{\"x\":[1,2]}}")).isEqualTo(new Command.Ping(RequestId.of(9)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "not json|bad_json",
        "{\"type\":\"ping\"|bad_json",
        "[1,2]|bad_json",
        "42|bad_json",
        "{\"type\":\"ping\"} {}|bad_json",
        "{}|bad_request",
        "{\"type\":7}|bad_request",
        "{\"type\":\"warp\"}|unknown_type",
        "{\"type\":\"join\"}|bad_request",
        "{\"type\":\"join\",\"room\":5}|bad_request",
        "{\"type\":\"send\",\"room\":\"r\"}|bad_request",
        "{\"type\":\"join\",\"room\":\"r\",\"since\":{\"epoch\":\"e\"}}|bad_request",
        "{\"type\":\"join\",\"room\":\"r\",\"since\":{\"epoch\":\"e\",\"offset\":-1}}|bad_request",
        "{\"type\":\"join\",\"room\":\"r\",\"since\":7}|bad_request",
        "{\"type\":\"history\",\"room\":\"r\",\"limit\":0}|bad_request",
        "{\"type\":\"history\",\"room\":\"r\",\"limit\":101}|bad_request",
        "{\"type\":\"history\",\"room\":\"r\",\"before\":1.5}|bad_request",
        "{\"type\":\"who\",\"room\":\"r\",\"limit\":0}|bad_request",
        "{\"type\":\"who\",\"room\":\"r\",\"limit\":1001}|bad_request",
        "{\"type\":\"who\",\"room\":\"r\",\"limit\":\"10\"}|bad_request",
        "{\"type\":\"who\",\"room\":\"r\",\"after\":5}|bad_request",
        "{\"type\":\"ping\",\"id\":1.5}|bad_request",
        "{\"type\":\"ping\",\"id\":[1]}|bad_request",
    })
    void mapsFailuresToErrorCodes(String json, String code) {
        assertThat(failure(json).code().wireName()).isEqualTo(code);
    }

    @Test
    void keepsTheIdOfACommandWithABadField() {
        ProtocolException e = failure("{\"type\":\"join\",\"id\":\"abc\",\"room\":[]}");
        assertThat(e.id()).isEqualTo(RequestId.of("abc"));
        assertThat(e.getMessage()).contains("room");
    }

    @Test
    void rejectsAnOverlongStringId() {
        String id = "x".repeat(RequestId.MAX_STRING_LENGTH + 1);
        ProtocolException e = failure("{\"type\":\"ping\",\"id\":\"" + id + "\"}");
        assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(e.id()).isNull();
    }
}
