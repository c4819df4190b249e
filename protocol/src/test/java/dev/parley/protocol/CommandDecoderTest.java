package dev.parley.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class CommandDecoderTest {

    private static Command decode(String json) throws ProtocolException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return CommandDecoder.decode(bytes, 0, bytes.length);
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
                .isEqualTo(new Command.Send(RequestId.of(4), "r", "hi", null));
        assertThat(decode("{\"type\":\"send\",\"id\":4,\"room\":\"r\",\"text\":\"hi\",\"nonce\":\"n-1\"}"))
                .isEqualTo(new Command.Send(RequestId.of(4), "r", "hi", "n-1"));
        assertThat(decode("{\"type\":\"dm\",\"id\":5,\"to\":\"bob\",\"text\":\"psst\"}"))
                .isEqualTo(new Command.SendDm(RequestId.of(5), "bob", "psst"));
        assertThat(decode("{\"type\":\"typing\",\"room\":\"r\"}")).isEqualTo(new Command.Typing(null, "r"));
        assertThat(decode("{\"type\":\"who\",\"id\":6,\"room\":\"r\"}"))
                .isEqualTo(new Command.Who(RequestId.of(6), "r", null, null));
        assertThat(decode("{\"type\":\"who\",\"id\":6,\"room\":\"r\",\"after\":\"bob\",\"limit\":1000}"))
                .isEqualTo(new Command.Who(RequestId.of(6), "r", "bob", 1000));
        assertThat(decode("{\"type\":\"rooms\",\"id\":7}")).isEqualTo(new Command.ListRooms(RequestId.of(7)));
        assertThat(decode("{\"type\":\"history\",\"id\":8,\"room\":\"r\",\"before\":58,\"limit\":50}"))
                .isEqualTo(new Command.FetchHistory(RequestId.of(8), "r", 58L, null, 50));
        assertThat(decode("{\"type\":\"history\",\"id\":8,\"room\":\"r\",\"after\":0}"))
                .isEqualTo(new Command.FetchHistory(RequestId.of(8), "r", null, 0L, null));
        assertThat(decode("{\"type\":\"history\",\"id\":9,\"with\":\"bob\",\"before\":7,\"limit\":2}"))
                .isEqualTo(new Command.FetchHistory(RequestId.of(9), null, "bob", 7L, null, 2));
        assertThat(decode("{\"type\":\"search\",\"id\":12,\"room\":\"r\",\"query\":\"deploy failed\"}"))
                .isEqualTo(new Command.Search(RequestId.of(12), "r", "deploy failed", null, null));
        assertThat(decode("{\"type\":\"search\",\"id\":12,\"room\":\"r\",\"query\":\"x\",\"before\":9,\"limit\":50}"))
                .isEqualTo(new Command.Search(RequestId.of(12), "r", "x", 9L, 50));
        assertThat(decode("{\"type\":\"send\",\"id\":4,\"room\":\"r\",\"text\":\"+1\",\"replyTo\":58}"))
                .isEqualTo(new Command.Send(RequestId.of(4), "r", "+1", null, 58L));
        assertThat(decode("{\"type\":\"edit\",\"id\":5,\"room\":\"r\",\"offset\":58,\"text\":\"hello!\"}"))
                .isEqualTo(new Command.Edit(RequestId.of(5), "r", 58, "hello!"));
        assertThat(decode("{\"type\":\"delete\",\"id\":6,\"room\":\"r\",\"offset\":58}"))
                .isEqualTo(new Command.Delete(RequestId.of(6), "r", 58));
        assertThat(decode("{\"type\":\"react\",\"id\":7,\"room\":\"r\",\"offset\":58,\"emoji\":\"\ud83d\udc4d\",\"on\":false}"))
                .isEqualTo(new Command.React(RequestId.of(7), "r", 58, "\ud83d\udc4d", false));
        assertThat(decode("{\"type\":\"react\",\"id\":7,\"room\":\"r\",\"offset\":1,\"emoji\":\"\ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67\",\"on\":true}"))
                .isEqualTo(new Command.React(RequestId.of(7), "r", 1, "\ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67", true));
        assertThat(decode("{\"type\":\"history\",\"id\":8,\"room\":\"r\",\"after\":3,\"events\":\"all\"}"))
                .isEqualTo(new Command.FetchHistory(RequestId.of(8), "r", null, null, 3L, null, "all"));
        assertThat(decode("{\"type\":\"ping\",\"id\":9}")).isEqualTo(new Command.Ping(RequestId.of(9)));
        assertThat(decode("{\"type\":\"refresh\",\"id\":10,\"token\":\"t\"}"))
                .isEqualTo(new Command.Refresh(RequestId.of(10), "t"));
    }

    @Test
    void stringsWithUnpairedSurrogatesAreBadRequests() throws Exception {
        assertThat(failure("{\"type\":\"send\",\"id\":1,\"room\":\"r\",\"text\":\"a\\ud800b\"}").code())
                .isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(failure("{\"type\":\"send\",\"room\":\"r\",\"text\":\"\\udc00\\ud800\"}").code())
                .isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(failure("{\"type\":\"ping\",\"id\":\"\\ud800\"}").code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(decode("{\"type\":\"send\",\"room\":\"r\",\"text\":\"\\ud83d\\ude00\"}"))
                .isEqualTo(new Command.Send(null, "r", "\ud83d\ude00", null));
    }

    @Test
    void decodesReadState() throws Exception {
        assertThat(decode("{\"type\":\"read\",\"id\":10,\"room\":\"general\",\"offset\":61}"))
                .isEqualTo(new Command.Read(RequestId.of(10), "general", 61));
        assertThat(decode("{\"type\":\"unread\",\"id\":11}")).isEqualTo(new Command.Unread(RequestId.of(11)));
        assertThat(decode("{\"type\":\"leave\",\"id\":2,\"room\":\"general\",\"forget\":true}"))
                .isEqualTo(new Command.Leave(RequestId.of(2), "general", true));
        assertThat(decode("{\"type\":\"leave\",\"room\":\"general\",\"forget\":null}"))
                .isEqualTo(new Command.Leave(null, "general", false));
    }

    @Test
    void aFrameThatLooksLikeAnotherEncodingIsNotValidJson() {
        // Found by CommandDecoderFuzzTest: Jackson reads 00 00 7B 00 as UCS-4 in an order it refuses.
        assertThat(failure("\u0000\u0000{\u0000").code()).isEqualTo(ErrorCode.BAD_JSON);
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
        "{\"type\":\"read\",\"room\":\"r\",\"offset\":0}|bad_request",
        "{\"type\":\"read\",\"room\":\"r\",\"offset\":\"5\"}|bad_request",
        "{\"type\":\"read\",\"room\":\"r\"}|bad_request",
        "{\"type\":\"read\",\"offset\":3}|bad_request",
        "{\"type\":\"leave\",\"room\":\"r\",\"forget\":\"yes\"}|bad_request",
        "{\"type\":\"edit\",\"room\":\"r\",\"offset\":0,\"text\":\"x\"}|bad_request",
        "{\"type\":\"edit\",\"room\":\"r\",\"offset\":1.5,\"text\":\"x\"}|bad_request",
        "{\"type\":\"edit\",\"room\":\"r\",\"offset\":\"1\",\"text\":\"x\"}|bad_request",
        "{\"type\":\"edit\",\"room\":\"r\",\"offset\":1}|bad_request",
        "{\"type\":\"edit\",\"offset\":1,\"text\":\"x\"}|bad_request",
        "{\"type\":\"delete\",\"room\":\"r\",\"offset\":-3}|bad_request",
        "{\"type\":\"delete\",\"room\":\"r\"}|bad_request",
        "{\"type\":\"react\",\"room\":\"r\",\"offset\":1,\"emoji\":\"\",\"on\":true}|bad_request",
        "{\"type\":\"react\",\"room\":\"r\",\"offset\":1,\"emoji\":\"a b\",\"on\":true}|bad_request",
        "{\"type\":\"react\",\"room\":\"r\",\"offset\":1,\"emoji\":\"x\\u00a0\",\"on\":true}|bad_request",
        "{\"type\":\"react\",\"room\":\"r\",\"offset\":1,\"emoji\":\"abcdefghijklmnopq\",\"on\":true}|bad_request",
        "{\"type\":\"react\",\"room\":\"r\",\"offset\":1,\"emoji\":\"+\"}|bad_request",
        "{\"type\":\"react\",\"room\":\"r\",\"offset\":1,\"emoji\":\"+\",\"on\":\"yes\"}|bad_request",
        "{\"type\":\"react\",\"room\":\"r\",\"offset\":0,\"emoji\":\"+\",\"on\":true}|bad_request",
        "{\"type\":\"send\",\"room\":\"r\",\"text\":\"t\",\"replyTo\":0}|bad_request",
        "{\"type\":\"send\",\"room\":\"r\",\"text\":\"t\",\"replyTo\":\"5\"}|bad_request",
        "{\"type\":\"history\",\"room\":\"r\",\"events\":\"some\"}|bad_request",
        "{\"type\":\"join\"}|bad_request",
        "{\"type\":\"join\",\"room\":5}|bad_request",
        "{\"type\":\"send\",\"room\":\"r\"}|bad_request",
        "{\"type\":\"join\",\"room\":\"r\",\"since\":{\"epoch\":\"e\"}}|bad_request",
        "{\"type\":\"join\",\"room\":\"r\",\"since\":{\"epoch\":\"e\",\"offset\":-1}}|bad_request",
        "{\"type\":\"join\",\"room\":\"r\",\"since\":7}|bad_request",
        "{\"type\":\"history\",\"room\":\"r\",\"limit\":0}|bad_request",
        "{\"type\":\"history\",\"room\":\"r\",\"limit\":101}|bad_request",
        "{\"type\":\"history\",\"room\":\"r\",\"before\":1.5}|bad_request",
        "{\"type\":\"history\",\"room\":\"r\",\"after\":-1}|bad_request",
        "{\"type\":\"history\",\"room\":\"r\",\"after\":\"3\"}|bad_request",
        "{\"type\":\"history\",\"room\":\"r\",\"before\":9,\"after\":3}|bad_request",
        "{\"type\":\"history\",\"room\":\"r\",\"with\":\"bob\"}|bad_request",
        "{\"type\":\"history\",\"with\":7}|bad_request",
        "{\"type\":\"history\",\"with\":\"bob\",\"before\":9,\"after\":3}|bad_request",
        "{\"type\":\"send\",\"room\":\"r\",\"text\":\"t\",\"nonce\":\"\"}|bad_request",
        "{\"type\":\"send\",\"room\":\"r\",\"text\":\"t\",\"nonce\":7}|bad_request",
        "{\"type\":\"search\",\"room\":\"r\"}|bad_request",
        "{\"type\":\"search\",\"room\":\"r\",\"query\":\" \"}|bad_request",
        "{\"type\":\"search\",\"room\":\"r\",\"query\":\"x\",\"limit\":0}|bad_request",
        "{\"type\":\"search\",\"room\":\"r\",\"query\":\"x\",\"limit\":51}|bad_request",
        "{\"type\":\"search\",\"room\":\"r\",\"query\":\"x\",\"before\":0}|bad_request",
        "{\"type\":\"search\",\"query\":\"x\"}|bad_request",
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
    void aNonceIsAtMost64CharsAndAQueryAtMost256() throws Exception {
        String nonce = "n".repeat(Command.Send.MAX_NONCE_CHARS);
        assertThat(((Command.Send) decode("{\"type\":\"send\",\"room\":\"r\",\"text\":\"t\",\"nonce\":\"" + nonce + "\"}"))
                .nonce()).isEqualTo(nonce);
        ProtocolException tooLong = failure("{\"type\":\"send\",\"id\":3,\"room\":\"r\",\"text\":\"t\",\"nonce\":\"" + nonce + "n\"}");
        assertThat(tooLong.code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(tooLong.id()).isEqualTo(RequestId.of(3));
        assertThat(tooLong.getMessage()).contains("nonce");
        String query = "q".repeat(Command.Search.MAX_QUERY_CHARS);
        assertThat(((Command.Search) decode("{\"type\":\"search\",\"room\":\"r\",\"query\":\"" + query + "\"}")).query())
                .isEqualTo(query);
        assertThat(failure("{\"type\":\"search\",\"room\":\"r\",\"query\":\"" + query + "q\"}").code())
                .isEqualTo(ErrorCode.BAD_REQUEST);
    }

    @Test
    void rejectsAnOverlongStringId() {
        String id = "x".repeat(RequestId.MAX_STRING_LENGTH + 1);
        ProtocolException e = failure("{\"type\":\"ping\",\"id\":\"" + id + "\"}");
        assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(e.id()).isNull();
    }
}
