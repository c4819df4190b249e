package dev.parley.server.transport;

import dev.parley.protocol.CloseCode;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Liveness of an upgraded connection: a WebSocket ping every {@code heartbeatMs}, and close 4000
 * after {@code idleTimeoutMs} without a byte from the client. It sits at the head of the pipeline
 * so that every frame counts as a sign of life, pongs included.
 *
 * <p>Pings go out at a fixed rate rather than on writer idleness: a client that only listens in a
 * busy room must still be pinged, or it would have nothing to answer and time out. Both timers die
 * with the handler.
 */
final class KeepAliveHandler extends IdleStateHandler {
    private final long heartbeatMs;
    private final long closeTimeoutMs;
    private ScheduledFuture<?> pings;

    KeepAliveHandler(long heartbeatMs, long idleTimeoutMs, long closeTimeoutMs) {
        super(idleTimeoutMs, 0, 0, TimeUnit.MILLISECONDS);
        this.heartbeatMs = heartbeatMs;
        this.closeTimeoutMs = closeTimeoutMs;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        super.handlerAdded(ctx);
        Channel channel = ctx.channel();
        pings = ctx.executor().scheduleAtFixedRate(() -> ping(channel), heartbeatMs, heartbeatMs, TimeUnit.MILLISECONDS);
    }

    private static void ping(Channel channel) {
        if (channel.isActive() && !ClosingHandshake.started(channel)) {
            channel.writeAndFlush(new PingWebSocketFrame(), channel.voidPromise());
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) throws Exception {
        cancelPings();
        super.handlerRemoved(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelPings();
        super.channelInactive(ctx);
    }

    private void cancelPings() {
        if (pings != null) {
            pings.cancel(false);
            pings = null;
        }
    }

    @Override
    protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent evt) {
        if (evt.state() == IdleState.READER_IDLE) {
            ClosingHandshake.start(ctx.channel(), CloseCode.IDLE_TIMEOUT, closeTimeoutMs);
        }
    }
}
