package dev.parley.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property-based fuzzing of {@link CommandDecoder}: whatever arrives, it returns a command or
 * throws a {@link ProtocolException} carrying a code, and never anything else. Inputs range from
 * raw bytes to JSON objects shaped like commands, with known types and field names holding values
 * of every JSON kind, deep nesting, huge numbers and ill-formed strings.
 */
class CommandDecoderFuzzTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> TYPES = List.of("hello", "join", "leave", "send", "dm", "typing", "who", "rooms",
            "history", "ping", "refresh", "nope", "");
    private static final List<String> FIELDS = List.of("type", "id", "nick", "token", "resume", "room", "since", "epoch",
            "offset", "text", "to", "before", "limit", "x");

    /** Decodes {@code bytes}; fails the property on any throwable but a protocol error with a code. */
    private static void decodesOrRejects(byte[] bytes) {
        try {
            Command command = CommandDecoder.decode(bytes, 0, bytes.length);
            assertThat(command).isNotNull();
        } catch (ProtocolException e) {
            assertThat(e.code()).isNotNull();
            assertThat(e.toEvent().code()).isEqualTo(e.code());
        }
    }

    @Property(tries = 1000)
    void anyBytes(@ForAll byte[] bytes) {
        decodesOrRejects(bytes);
    }

    @Property(tries = 1000)
    void anyText(@ForAll String text) {
        decodesOrRejects(text.getBytes(StandardCharsets.UTF_8));
    }

    @Property(tries = 3000)
    void commandShapedObjects(@ForAll("commands") JsonNode command) {
        decodesOrRejects(command.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Property(tries = 1000)
    void acceptedCommandsSurviveARoundTrip(@ForAll("commands") JsonNode json) throws Exception {
        Command command;
        try {
            command = CommandDecoder.decode(json);
        } catch (ProtocolException rejected) {
            return;
        }
        ByteArrayOutputStream encoded = new ByteArrayOutputStream();
        ParleyJson.write(command, encoded);
        Command again = CommandDecoder.decode(encoded.toByteArray(), 0, encoded.size());
        assertThat(again).isEqualTo(command);
    }

    @Provide
    Arbitrary<JsonNode> commands() {
        Arbitrary<JsonNode> field = Combinators.combine(Arbitraries.of(FIELDS), values(3))
                .as((name, value) -> NODES.objectNode().set(name, value));
        return Combinators.combine(Arbitraries.of(TYPES), field.list().ofMaxSize(6), Arbitraries.of(true, true, false))
                .as((type, fields, typed) -> {
                    ObjectNode command = NODES.objectNode();
                    if (typed) {
                        command.put("type", type);
                    }
                    fields.forEach(f -> command.setAll((ObjectNode) f));
                    return command;
                });
    }

    /** JSON values of every kind, nested up to {@code depth}. */
    static Arbitrary<JsonNode> values(int depth) {
        Arbitrary<JsonNode> leaves = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(80).map(NODES::textNode),
                Arbitraries.strings().withChars("abc-_.Z9").ofMinLength(1).ofMaxLength(70).map(NODES::textNode),
                Arbitraries.strings().withCharRange('\ud800', '\udfff').ofMaxLength(3).map(NODES::textNode),
                Arbitraries.longs().map(NODES::numberNode),
                Arbitraries.bigIntegers().between(new BigInteger("-1" + "0".repeat(40)),
                        new BigInteger("1" + "0".repeat(40))).map(NODES::numberNode),
                Arbitraries.doubles().map(NODES::numberNode),
                Arbitraries.of(NODES.nullNode(), NODES.booleanNode(true), NODES.booleanNode(false)));
        if (depth == 0) {
            return leaves;
        }
        Arbitrary<JsonNode> arrays = values(depth - 1).list().ofMaxSize(4).map(items -> {
            ArrayNode array = NODES.arrayNode();
            items.forEach(array::add);
            return array;
        });
        Arbitrary<JsonNode> objects = Combinators.combine(Arbitraries.of(FIELDS), values(depth - 1)).as(
                (name, value) -> NODES.objectNode().set(name, value));
        return Arbitraries.frequencyOf(
                Tuple.of(6, leaves), Tuple.of(1, arrays), Tuple.of(2, objects));
    }
}
