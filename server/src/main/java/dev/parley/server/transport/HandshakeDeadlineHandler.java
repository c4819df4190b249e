package dev.parley.server.transport;

import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * An absolute deadline for the HTTP phase of a connection: from the moment it is accepted, the
 * TLS handshake, the whole upgrade request and the WebSocket handshake must be done within
 * {@code timeoutMs}, however the bytes trickle in; otherwise the connection is dropped. A plain
 * HTTP request that arrives in time starts a new deadline for the next one (keep-alive). The
 * deadline is cancelled when the connection closes, or when the WebSocket handshake completes
 * and the pipeline's upgrade removes this handler.
 *
 * <p>Unlike a read timeout, which every byte resets, this cannot be held open by a client that
 * sends one header line a second.
 */
final class HandshakeDeadlineHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(HandshakeDeadlineHandler.class);

    private final long timeoutMs;
    private final Runnable onExpired;
    private ScheduledFuture<?> deadline;

    /** {@code onExpired} runs when a connection is dropped at the deadline (for the metrics). */
    HandshakeDeadlineHandler(long timeoutMs, Runnable onExpired) {
        this.timeoutMs = timeoutMs;
        this.onExpired = onExpired;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive() && ctx.channel().isRegistered()) {
            arm(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (deadline == null) {
            arm(ctx);
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FullHttpRequest request && !request.headers().contains(HttpHeaderNames.UPGRADE)) {
            arm(ctx);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    private void arm(ChannelHandlerContext ctx) {
        cancel();
        deadline = ctx.executor().schedule(() -> {
            LOG.debug("{}: handshake not done within {} ms, dropped", ctx.channel(), timeoutMs);
            onExpired.run();
            ctx.close();
        }, timeoutMs, TimeUnit.MILLISECONDS);
    }

    private void cancel() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }
}
