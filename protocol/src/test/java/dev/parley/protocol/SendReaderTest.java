package dev.parley.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link CommandDecoder#decode(byte[], int, int)}, with its streaming {@code send}, decides every
 * frame as the generic tree decoder does: the same command, or the same error code, id and message.
 */
class SendReaderTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> FIELDS = List.of("type", "id", "room", "text", "nonce", "replyTo", "x");

    private static void decidesAsTheTreeDecoder(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        assertThat(outcome(() -> CommandDecoder.decode(bytes, 0, bytes.length)))
                .as(json).isEqualTo(outcome(() -> CommandDecoder.decodeTree(bytes, 0, bytes.length)));
    }

    private interface Decoding {
        Command decode() throws ProtocolException;
    }

    /** The command, or the error as a comparable value. */
    private static Object outcome(Decoding decoding) {
        try {
            return decoding.decode();
        } catch (ProtocolException e) {
            return List.of(e.code(), String.valueOf(e.id()), e.getMessage());
        }
    }

    @Property(tries = 3000)
    void sendShapedObjects(@ForAll("sends") JsonNode json) {
        decidesAsTheTreeDecoder(json.toString());
    }

    @Test
    void theFastPathReadsAWellFormedSend() throws ProtocolException {
        byte[] bytes = "xx{\"type\":\"send\",\"id\":7,\"room\":\"r\",\"text\":\"hi\",\"nonce\":\"n\",\"replyTo\":3}yy"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(SendReader.read(bytes, 2, bytes.length - 4))
                .isEqualTo(new Command.Send(RequestId.of(7), "r", "hi", "n", 3L));
    }

    @Test
    void edgeCases() {
        for (String json : List.of(
                "{\"type\":\"send\",\"room\":\"r\",\"text\":\"t\"}",
                "{\"text\":\"t\",\"x\":{\"a\":[1,{}]},\"room\":\"r\",\"type\":\"send\",\"id\":\"abc\"}",
                " {\"type\":\"send\",\"room\":\"r\",\"text\":\"t\"} \n",
                "\ufeff{\"type\":\"send\",\"room\":\"r\",\"text\":\"t\"}",
                "{\"type\":\"send\",\"room\":\"r\",\"text\":\"t\"} {}",
                "{\"type\":\"send\",\"room\":\"r\",\"text\":\"t\"}x",
                "{\"type\":\"send\",\"room\":\"r\",\"text\":\"t\"",
                "{\"type\":\"send\",\"type\":\"join\",\"room\":\"r\",\"text\":\"t\"}",
                "{\"type\":\"join\",\"type\":\"send\",\"room\":\"r\",\"text\":\"t\"}",
                "{\"type\":\"send\",\"room\":\"r\",\"room\":null,\"text\":\"t\"}",
                "{\"type\":\"send\",\"room\":5,\"room\":\"r\",\"text\":\"t\"}",
                "{\"type\":\"send\",\"id\":1.5,\"id\":2,\"room\":\"r\",\"text\":\"t\"}",
                "{\"type\":\"send\",\"id\":2,\"id\":[],\"room\":\"r\",\"text\":\"t\"}",
                "{\"type\":\"send\",\"id\":null,\"room\":\"r\",\"text\":\"t\",\"nonce\":null,\"replyTo\":null}",
                "{\"type\":\"send\",\"id\":99999999999999999999,\"room\":\"r\",\"text\":\"t\"}",
                "{\"type\":\"send\",\"id\":\"" + "i".repeat(65) + "\",\"room\":\"r\",\"text\":\"t\"}",
                "{\"type\":\"send\",\"room\":\"r\",\"text\":\"\\ud800\"}",
                "{\"type\":\"send\",\"room\":\"r\",\"text\":\"t\",\"nonce\":\"\"}",
                "{\"type\":\"send\",\"room\":\"r\",\"text\":\"t\",\"nonce\":\"" + "n".repeat(65) + "\"}",
                "{\"type\":\"send\",\"room\":\"r\",\"text\":\"t\",\"replyTo\":0}",
                "{\"type\":\"send\",\"room\":\"r\",\"text\":\"t\",\"replyTo\":1e3}",
                "{\"type\":\"send\",\"room\":\"r\",\"text\":true}",
                "{\"type\":\"send\",\"text\":\"t\"}",
                "{\"type\":\"SEND\",\"room\":\"r\",\"text\":\"t\"}",
                "{\"type\":\"join\",\"room\":\"r\"}",
                "[{\"type\":\"send\",\"room\":\"r\",\"text\":\"t\"}]",
                "", "null", "{}", "{\"type\":null}")) {
            decidesAsTheTreeDecoder(json);
        }
    }

    @Provide
    Arbitrary<JsonNode> sends() {
        Arbitrary<JsonNode> field = Combinators.combine(Arbitraries.of(FIELDS), CommandDecoderFuzzTest.values(2))
                .as((name, value) -> NODES.objectNode().set(name, value));
        Arbitrary<JsonNode> wellTyped = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(70).map(NODES::textNode),
                Arbitraries.longs().between(-2, 3).map(NODES::numberNode),
                Arbitraries.just(NODES.nullNode()));
        Arbitrary<JsonNode> likelyField = Combinators.combine(Arbitraries.of(FIELDS), wellTyped)
                .as((name, value) -> NODES.objectNode().set(name, value));
        return Combinators.combine(Arbitraries.of("send", "send", "send", "join", "nope"),
                        Arbitraries.oneOf(field, likelyField, likelyField).list().ofMaxSize(7),
                        Arbitraries.of(true, true, true, false))
                .as((type, fields, typed) -> {
                    ObjectNode command = NODES.objectNode();
                    if (typed) {
                        command.put("type", type);
                    }
                    command.put("room", "r");
                    command.put("text", "t");
                    fields.forEach(f -> command.setAll((ObjectNode) f));
                    return command;
                });
    }
}
