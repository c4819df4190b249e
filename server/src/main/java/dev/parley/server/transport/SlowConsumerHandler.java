package dev.parley.server.transport;

import dev.parley.protocol.CloseCode;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Closes a client with 4001 once its unsent backlog passes the channel's high water mark
 * ({@code --max-outbound-bytes}), so that a client that does not read cannot grow the server's
 * memory. Writes to it are dropped from then on; the close frame waits behind the backlog, and the
 * closing handshake's deadline drops the connection if the client never reads it.
 */
@ChannelHandler.Sharable
final class SlowConsumerHandler extends ChannelInboundHandlerAdapter {
    private final long closeTimeoutMs;

    SlowConsumerHandler(long closeTimeoutMs) {
        this.closeTimeoutMs = closeTimeoutMs;
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (!ctx.channel().isWritable()) {
            ClosingHandshake.start(ctx.channel(), CloseCode.SLOW_CONSUMER, closeTimeoutMs);
        }
        ctx.fireChannelWritabilityChanged();
    }
}
