package dev.parley.server.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The absolute handshake deadline with frozen time: bytes do not push it back; a served request does. */
class HandshakeDeadlineHandlerTest {

    private final AtomicInteger expired = new AtomicInteger();

    private EmbeddedChannel channel() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addLast(new HandshakeDeadlineHandler(1_000, expired::incrementAndGet));
        return channel;
    }

    private static FullHttpRequest request(boolean upgrade) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, upgrade ? "/ws" : "/healthz");
        if (upgrade) {
            request.headers().set("Upgrade", "websocket");
        }
        return request;
    }

    @Test
    void trickledBytesDoNotPostponeTheDeadline() {
        EmbeddedChannel channel = channel();
        try {
            for (int i = 0; i < 9; i++) {
                channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {'x'}));
                channel.advanceTimeBy(100, TimeUnit.MILLISECONDS);
                channel.runScheduledPendingTasks();
            }
            assertThat(channel.isOpen()).isTrue();
            channel.advanceTimeBy(100, TimeUnit.MILLISECONDS);
            channel.runScheduledPendingTasks();
            assertThat(channel.isOpen()).isFalse();
            assertThat(expired.get()).isEqualTo(1);
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void aServedRequestStartsANewDeadlineButAnUpgradeDoesNot() {
        EmbeddedChannel channel = channel();
        try {
            channel.advanceTimeBy(900, TimeUnit.MILLISECONDS);
            channel.writeInbound(request(false));
            channel.advanceTimeBy(900, TimeUnit.MILLISECONDS);
            channel.runScheduledPendingTasks();
            assertThat(channel.isOpen()).as("keep-alive: a new deadline after each request").isTrue();
            channel.writeInbound(request(true));
            channel.advanceTimeBy(100, TimeUnit.MILLISECONDS);
            channel.runScheduledPendingTasks();
            assertThat(channel.isOpen()).as("the upgrade must complete within the running deadline").isFalse();
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void removingTheHandlerCancelsTheDeadline() {
        EmbeddedChannel channel = channel();
        try {
            channel.pipeline().remove(HandshakeDeadlineHandler.class);
            channel.advanceTimeBy(5, TimeUnit.SECONDS);
            channel.runScheduledPendingTasks();
            assertThat(channel.isOpen()).isTrue();
        } finally {
            channel.finishAndReleaseAll();
        }
    }
}
