package dev.parley.protocol;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link HotJson} writes exactly the bytes of the generic writer (Jackson's UTF-8 generator) for
 * every type it covers: any text (controls, quotes, every surrogate, paired or not, non-ASCII),
 * nulls left out, mentions, ids of both kinds.
 */
class HotJsonTest {

    private static void sameBytesAsJackson(Object value) {
        ByteArrayOutputStream generic = new ByteArrayOutputStream();
        ParleyJson.write(value, generic);
        JsonBytes hot = JsonBytes.ofThisThread();
        assertThat(HotJson.write(value, hot)).as("covered: %s", value).isTrue();
        assertThat(new String(Arrays.copyOf(hot.array(), hot.size()), java.nio.charset.StandardCharsets.ISO_8859_1))
                .isEqualTo(new String(generic.toByteArray(), java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    @Property(tries = 2000)
    void everyCoveredTypeIsWrittenAsJacksonWritesIt(@ForAll("hotValues") Object value) {
        sameBytesAsJackson(value);
    }

    @Test
    void edgeCases() {
        String everyAscii = new String(java.util.stream.IntStream.range(0, 128).toArray(), 0, 128);
        for (String text : List.of("", everyAscii, "\u0080\u07ff\u0800\uffff\u2028", "\ud83d\ude00", "\ud800",
                "a\udc00b", "hi @Bob and @carol. @bob-", "@" + "x".repeat(40), "é@ünïcode")) {
            sameBytesAsJackson(new ServerEvent.Message("r", 1, 2, "f", text));
            sameBytesAsJackson(new ServerEvent.Edit("r", 3, 1, "f", text, 4));
            sameBytesAsJackson(new Command.Send(RequestId.of(text.length() > 64 ? "x" : text), "r", text, null));
        }
        sameBytesAsJackson(new ServerEvent.Message("r", 1, 2, "f", "hi").withTextDeleted());
        sameBytesAsJackson(new ServerEvent.Edit("r", 3, 1, "f", "x @y", 4).withTextDeleted());
        sameBytesAsJackson(new ServerEvent.Ack(null, null, null, 0));
        sameBytesAsJackson(new ServerEvent.Ack(RequestId.of(Long.MIN_VALUE), "r", Long.MAX_VALUE, -1));
        sameBytesAsJackson(new Command.Send(null, "r", "t", "n", 9L));
        for (long n : new long[] {0, 9, 10, 99, 999_999_999, 1_000_000_000, 1_000_000_001, 999_999_999_999_999_999L,
                1_000_000_000_000_000_000L, 1_000_000_000_000_000_007L, Long.MAX_VALUE, -1, Long.MIN_VALUE + 1}) {
            sameBytesAsJackson(new ServerEvent.Ack(RequestId.of(n), "r", n, n));
        }
    }

    @Test
    void aMessageWithReactionsAndOtherTypesAreLeftToTheGenericWriter() {
        JsonBytes out = JsonBytes.ofThisThread();
        ServerEvent.Message reacted = new ServerEvent.Message("r", 1, 2, "f", "t", null, null, null,
                List.of(new ServerEvent.ReactionCount("x", 1, List.of("a"))));
        assertThat(HotJson.write(reacted, out)).isFalse();
        assertThat(HotJson.write(new ServerEvent.Typing("r", "n"), out)).isFalse();
        assertThat(HotJson.write(new Command.Join(null, "r", null), out)).isFalse();
        assertThat(out.size()).isZero();
    }

    @Test
    void theOtherTypesGoThroughTheGenericWriterIntoTheSameBuffer() {
        ServerEvent.Welcome welcome = new ServerEvent.Welcome(RequestId.of(1), "s", "n", "r", 1, 2, null, "x");
        JsonBytes out = JsonBytes.ofThisThread();
        ParleyJson.write(welcome, out);
        assertThat(new String(out.array(), 0, out.size(), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(ParleyJson.write(welcome));
    }

    @Provide
    Arbitrary<Object> hotValues() {
        Arbitrary<String> texts = Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(60),
                Arbitraries.strings().withChars("ab @._-é😀\n\"\\").ofMaxLength(30),
                Arbitraries.strings().withCharRange('\ud800', '\udfff').ofMaxLength(3));
        Arbitrary<String> optionalTexts = texts.injectNull(0.2);
        Arbitrary<Long> longs = Arbitraries.longs();
        Arbitrary<Long> optionalLongs = longs.injectNull(0.4);
        Arbitrary<RequestId> ids = Arbitraries.oneOf(longs.map(RequestId::of),
                Arbitraries.strings().ofMaxLength(RequestId.MAX_STRING_LENGTH).map(RequestId::of)).injectNull(0.2);
        Arbitrary<Object> messages = Combinators.combine(optionalTexts, longs, longs, optionalTexts, optionalTexts,
                optionalLongs, optionalLongs, Arbitraries.of(true, false).injectNull(0.6))
                .as((room, offset, ts, from, text, replyTo, edited, deleted) ->
                        new ServerEvent.Message(room, offset, ts, from, text, replyTo, edited, deleted, null));
        Arbitrary<Object> acks = Combinators.combine(ids, optionalTexts, optionalLongs, longs).as(ServerEvent.Ack::new);
        Arbitrary<Object> edits = Combinators.combine(optionalTexts, longs, longs, optionalTexts, optionalTexts, longs)
                .as(ServerEvent.Edit::new);
        Arbitrary<Object> deletes = Combinators.combine(optionalTexts, longs, longs, optionalTexts, longs)
                .as(ServerEvent.Delete::new);
        Arbitrary<Object> reactions = Combinators.combine(optionalTexts, longs, longs, optionalTexts, optionalTexts,
                Arbitraries.of(true, false), longs).as(ServerEvent.Reaction::new);
        Arbitrary<Object> sends = Combinators.combine(ids, optionalTexts, optionalTexts, optionalTexts, optionalLongs)
                .as(Command.Send::new);
        return Arbitraries.oneOf(messages, acks, edits, deletes, reactions, sends);
    }
}
