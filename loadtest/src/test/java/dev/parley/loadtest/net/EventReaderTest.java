package dev.parley.loadtest.net;

import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.RequestId;
import dev.parley.protocol.ServerEvent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventReaderTest {
    private static ServerEvent read(String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return EventReader.read(bytes, 0, bytes.length);
    }

    @Test
    void readsAFrameFromADirectBufferAndFromAHeapBufferAtItsOffset() throws IOException {
        String json = "{\"type\":\"message\",\"room\":\"r\",\"offset\":1,\"ts\":2,\"from\":\"a\",\"text\":\"%s\"}";
        for (String text : new String[] {"hi", "x".repeat(10_000)}) {
            ByteBuf direct = Unpooled.directBuffer().writeBytes(json.formatted(text).getBytes(StandardCharsets.UTF_8));
            try {
                assertThat(EventReader.read(direct)).isEqualTo(new ServerEvent.Message("r", 1, 2, "a", text));
            } finally {
                direct.release();
            }
        }
        byte[] padded = ("[[" + json.formatted("hé") + "]]").getBytes(StandardCharsets.UTF_8);
        ByteBuf slice = Unpooled.wrappedBuffer(padded).slice(2, padded.length - 4);
        assertThat(EventReader.read(slice)).isEqualTo(new ServerEvent.Message("r", 1, 2, "a", "hé"));
    }

    @Test
    void readsAMessageWhateverTheFieldOrderAndExtraFields() throws IOException {
        assertThat(read("{\"offset\":58,\"extra\":{\"a\":[1,2]},\"type\":\"message\",\"room\":\"general\","
                + "\"ts\":1764000000123,\"from\":\"alice\",\"text\":\"héllo\"}"))
                .isEqualTo(new ServerEvent.Message("general", 58, 1764000000123L, "alice", "héllo"));
    }

    @Test
    void readsAcksOfSendsAndOfDms() throws IOException {
        assertThat(read("{\"type\":\"ack\",\"id\":4,\"room\":\"general\",\"offset\":58,\"ts\":5}"))
                .isEqualTo(new ServerEvent.Ack(RequestId.of(4), "general", 58L, 5));
        assertThat(read("{\"type\":\"ack\",\"id\":\"x\",\"ts\":5}"))
                .isEqualTo(new ServerEvent.Ack(RequestId.of("x"), null, null, 5));
    }

    @Test
    void readsPongsAndPresence() throws IOException {
        assertThat(read("{\"type\":\"pong\",\"id\":-9,\"ts\":7}")).isEqualTo(new ServerEvent.Pong(RequestId.of(-9), 7));
        assertThat(read("{\"type\":\"presence\",\"room\":\"r\",\"event\":\"leave\",\"nick\":\"bob\",\"ts\":1}"))
                .isEqualTo(new ServerEvent.Presence("r", ServerEvent.PresenceKind.LEAVE, "bob", 1));
    }

    @Test
    void leavesOtherTypesToTheProtocolCodec() throws IOException {
        assertThat(read("{\"type\":\"error\",\"id\":3,\"code\":\"rate_limited\",\"message\":\"slow down\"}"))
                .isEqualTo(new ServerEvent.Error(RequestId.of(3), ErrorCode.RATE_LIMITED, "slow down"));
        assertThat(read("{\"type\":\"joined\",\"id\":\"join\",\"room\":\"r\",\"epoch\":\"e-1\",\"offset\":3,"
                + "\"members\":[\"a\"],\"recovered\":false,\"messages\":[]}"))
                .isInstanceOf(ServerEvent.Joined.class);
        assertThat(read("{\"type\":\"from-the-future\"}")).isNull();
    }

    @Test
    void rejectsWhatIsNotAnEvent() {
        assertThatThrownBy(() -> read("[1,2]")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> read("{\"room\":\"r\"}")).hasMessageContaining("without a type");
        assertThatThrownBy(() -> read("{\"type\":")).isInstanceOf(IOException.class);
    }
}
