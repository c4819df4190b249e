package dev.parley.server.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectionWatchSlowConsumerTest {
    private boolean flushAfterTheBurst;
    private final EmbeddedChannel channel = new EmbeddedChannel(new ConnectionWatch(ConnectionWatch.Intervals.ofMillis(60_000, 60_000, 1_000)),
            new ChannelInboundHandlerAdapter() {
                /** Writes 20 bytes past a limit of 16 in one event-loop task, as a fan-out does. */
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ReferenceCountUtil.release(msg);
                    ctx.channel().config().setWriteBufferWaterMark(new WriteBufferWaterMark(16, 16));
                    ctx.write(Unpooled.wrappedBuffer(new byte[10]));
                    ctx.write(Unpooled.wrappedBuffer(new byte[10]));
                    assertThat(ctx.channel().isWritable()).isFalse();
                    if (flushAfterTheBurst) {
                        ctx.flush();
                    }
                }
            });

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
    }

    @Test
    void closesWith4001WhenTheBacklogStaysPastTheLimit() {
        channel.writeInbound(Unpooled.EMPTY_BUFFER);
        assertThat(ClosingHandshake.started(channel)).isTrue();
        channel.flush();
        CloseWebSocketFrame close = null;
        for (Object sent; (sent = channel.readOutbound()) != null; ) {
            if (sent instanceof CloseWebSocketFrame frame) {
                close = frame.retain();
            }
            ReferenceCountUtil.release(sent);
        }
        assertThat(close).isNotNull();
        assertThat(close.statusCode()).isEqualTo(4001);
        assertThat(close.reasonText()).isEqualTo("slow consumer");
        close.release();
    }

    @Test
    void aBurstThatTheSocketTakesAtTheNextFlushIsNoSlowConsumer() {
        flushAfterTheBurst = true;
        channel.writeInbound(Unpooled.EMPTY_BUFFER);
        assertThat(ClosingHandshake.started(channel)).isFalse();
    }
}
