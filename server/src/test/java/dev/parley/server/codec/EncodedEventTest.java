package dev.parley.server.codec;

import dev.parley.protocol.ServerEvent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class EncodedEventTest {

    /** The ready-made frame is byte for byte what Netty's server-side encoder writes. */
    @ParameterizedTest
    @ValueSource(ints = {0, 50, 125, 126, 1000, 65_535, 70_000})
    void theFrameIsWhatNettysEncoderWouldWrite(int textLength) {
        ServerEvent event = new ServerEvent.Message("r", 1, 2, "alice", "x".repeat(textLength));
        EncodedEvent encoded = EncodedEvent.encode(ByteBufAllocator.DEFAULT, event);
        EmbeddedChannel netty = new EmbeddedChannel(new WebSocket13FrameEncoder(false));
        try {
            netty.writeOutbound(new TextWebSocketFrame(encoded.json().retainedDuplicate()));
            ByteBuf expected = netty.alloc().buffer();
            for (ByteBuf part; (part = netty.readOutbound()) != null; ) {
                expected.writeBytes(part);
                part.release();
            }
            assertThat(io.netty.buffer.ByteBufUtil.equals(expected, encoded.frame())).isTrue();
            expected.release();
        } finally {
            netty.finishAndReleaseAll();
            encoded.release();
        }
    }
}
