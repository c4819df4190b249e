package dev.parley.server.transport;

import dev.parley.protocol.CloseCode;
import dev.parley.protocol.ServerEvent;
import dev.parley.server.codec.EventEncoder;
import dev.parley.server.metrics.ServerMetrics;
import dev.parley.server.session.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.concurrent.EventExecutor;

/**
 * A session's {@link Transport} on a Netty channel: events become text frames; flushes are
 * coalesced per event-loop turn by the pipeline's {@code FlushConsolidationHandler}.
 */
final class ChannelTransport implements Transport {
    private final Channel channel;
    private final ServerMetrics metrics;
    private final long closeTimeoutMs;

    ChannelTransport(Channel channel, ServerMetrics metrics, long closeTimeoutMs) {
        this.channel = channel;
        this.metrics = metrics;
        this.closeTimeoutMs = closeTimeoutMs;
    }

    @Override
    public EventExecutor executor() {
        return channel.eventLoop();
    }

    @Override
    public void send(ServerEvent event) {
        if (!ClosingHandshake.started(channel)) {
            send(EventEncoder.encode(channel.alloc(), event));
        }
    }

    @Override
    public void send(ByteBuf payload) {
        if (ClosingHandshake.started(channel) || !channel.isActive()) {
            payload.release();
            return;
        }
        metrics.frameOut();
        channel.writeAndFlush(new TextWebSocketFrame(payload), channel.voidPromise());
    }

    @Override
    public void close(CloseCode code) {
        ClosingHandshake.start(channel, code, closeTimeoutMs);
    }
}
