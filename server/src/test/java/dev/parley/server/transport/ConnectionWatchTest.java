package dev.parley.server.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectionWatchTest {
    private EmbeddedChannel channel;

    @BeforeEach
    void setUp() {
        channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addLast(new ConnectionWatch(ConnectionWatch.Intervals.ofMillis(100, 350, 50)));
    }

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
    }

    private void advance(long millis) {
        channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
    }

    @Test
    void pingsEveryHeartbeat() {
        advance(99);
        assertThat((Object) channel.readOutbound()).isNull();
        advance(1);
        PingWebSocketFrame ping = channel.readOutbound();
        assertThat(ping).isNotNull();
        ping.release();
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {1}));
        ((io.netty.buffer.ByteBuf) channel.readInbound()).release();
        advance(100);
        PingWebSocketFrame next = channel.readOutbound();
        assertThat(next).as("pings do not wait for silence").isNotNull();
        next.release();
    }

    @Test
    void closesWith4000AfterTheIdleTimeoutAndDropsTheConnectionAfterTheCloseDeadline() {
        for (int i = 0; i < 3; i++) {
            advance(100);
            ((PingWebSocketFrame) channel.readOutbound()).release();
        }
        advance(50);
        CloseWebSocketFrame close = channel.readOutbound();
        assertThat(close.statusCode()).isEqualTo(4000);
        assertThat(close.reasonText()).isEqualTo("idle timeout");
        close.release();
        assertThat(channel.isActive()).isTrue();
        advance(50);
        assertThat(channel.isActive()).isFalse();
        assertThat(channel.runScheduledPendingTasks()).as("every timer died with the channel").isEqualTo(-1);
    }

    @Test
    void anyInboundByteCountsAsLife() {
        for (int i = 0; i < 6; i++) {
            advance(100);
            ((PingWebSocketFrame) channel.readOutbound()).release();
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {1}));
            ((io.netty.buffer.ByteBuf) channel.readInbound()).release();
        }
        assertThat(channel.isActive()).isTrue();
    }

    @Test
    void removingTheHandlerCancelsItsTimers() {
        channel.pipeline().removeFirst();
        assertThat(channel.runScheduledPendingTasks()).isEqualTo(-1);
    }
}
