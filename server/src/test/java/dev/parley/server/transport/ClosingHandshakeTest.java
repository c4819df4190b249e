package dev.parley.server.transport;

import dev.parley.protocol.CloseCode;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ClosingHandshakeTest {

    @Test
    void sendsOneCloseFrameAndDropsTheConnectionAtTheDeadline() {
        EmbeddedChannel channel = new EmbeddedChannel();
        try {
            channel.freezeTime();
            ClosingHandshake.start(channel, CloseCode.HELLO_TIMEOUT, 100);
            ClosingHandshake.start(channel, CloseCode.IDLE_TIMEOUT, 100);
            CloseWebSocketFrame close = channel.readOutbound();
            assertThat(close.statusCode()).isEqualTo(4008);
            close.release();
            assertThat((Object) channel.readOutbound()).as("only the first close is sent").isNull();
            assertThat(ClosingHandshake.sentCode(channel)).isEqualTo(4008);
            channel.advanceTimeBy(99, TimeUnit.MILLISECONDS);
            channel.runScheduledPendingTasks();
            assertThat(channel.isOpen()).isTrue();
            channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
            channel.runScheduledPendingTasks();
            assertThat(channel.isOpen()).isFalse();
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void anEarlierCloseCancelsTheDeadline() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime();
        ClosingHandshake.start(channel, CloseCode.NORMAL, 100);
        channel.close();
        assertThat(channel.runScheduledPendingTasks()).isEqualTo(-1);
        channel.finishAndReleaseAll();
    }
}
