package dev.parley.server.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SlowConsumerHandlerTest {

    @Test
    void closesWith4001OnceTheBacklogPassesTheHighWaterMark() {
        EmbeddedChannel channel = new EmbeddedChannel(new SlowConsumerHandler(1_000));
        try {
            channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));
            channel.write(Unpooled.wrappedBuffer(new byte[10]));
            assertThat(channel.isWritable()).isTrue();
            channel.write(Unpooled.wrappedBuffer(new byte[10]));
            channel.flush();
            assertThat(ClosingHandshake.started(channel)).isTrue();
            CloseWebSocketFrame close = null;
            for (Object sent; (sent = channel.readOutbound()) != null; ) {
                if (sent instanceof CloseWebSocketFrame frame) {
                    close = frame.retain();
                }
                io.netty.util.ReferenceCountUtil.release(sent);
            }
            assertThat(close).isNotNull();
            assertThat(close.statusCode()).isEqualTo(4001);
            assertThat(close.reasonText()).isEqualTo("slow consumer");
            close.release();
        } finally {
            channel.finishAndReleaseAll();
        }
    }
}
