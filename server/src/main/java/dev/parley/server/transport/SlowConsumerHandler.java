package dev.parley.server.transport;

import dev.parley.protocol.CloseCode;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Closes a client with 4001 when its unsent backlog stays above {@code --max-outbound-bytes}
 * after a flush, so that a client that does not read cannot grow the server's memory. The
 * channel's low and high water marks are both that limit, so every crossing fires
 * {@code channelWritabilityChanged}; the check waits for the flushes already queued (fan-out
 * writes several events before it flushes once), and only a backlog the socket did not take
 * counts. Writes to the client are dropped from then on; the close frame waits behind the
 * backlog, and the closing handshake's deadline drops the connection if the client never reads.
 */
@ChannelHandler.Sharable
final class SlowConsumerHandler extends ChannelInboundHandlerAdapter {
    private final long closeTimeoutMs;

    SlowConsumerHandler(long closeTimeoutMs) {
        this.closeTimeoutMs = closeTimeoutMs;
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        Channel channel = ctx.channel();
        if (!channel.isWritable()) {
            ctx.executor().execute(() -> {
                if (!channel.isWritable()) {
                    ClosingHandshake.start(channel, CloseCode.SLOW_CONSUMER, closeTimeoutMs);
                }
            });
        }
        ctx.fireChannelWritabilityChanged();
    }
}
