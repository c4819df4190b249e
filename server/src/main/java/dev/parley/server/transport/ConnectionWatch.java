package dev.parley.server.transport;

import dev.parley.protocol.CloseCode;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Ticker;

import java.util.concurrent.TimeUnit;

/**
 * Watches an upgraded connection: a WebSocket ping every {@code heartbeatMs}, close 4000 after
 * {@code idleTimeoutMs} without a byte from the client, and close 4001 when its unsent backlog
 * stays above {@code --max-outbound-bytes} after a flush. It sits at the head of the pipeline so
 * that every frame counts as a sign of life, pongs included. Every idle connection holds this
 * handler and its one timer, so both are kept small, and one handler does all three jobs: a
 * pipeline context costs each connection 64–96 B.
 *
 * <p>Pings go out at a fixed rate rather than on writer idleness: a client that only listens in a
 * busy room must still be pinged, or it would have nothing to answer and time out. One timer does
 * both jobs, armed for whichever is due first; a read only notes the time. The timer dies with the
 * handler.
 *
 * <p>The slow consumer: the channel's low and high water marks are both the outbound limit, so every
 * crossing fires {@code channelWritabilityChanged}; the check waits for the flushes already queued
 * (fan-out writes several events before it flushes once), and only a backlog the socket did not
 * take counts. Writes to the client are dropped from then on; the close frame waits behind the
 * backlog, and the closing handshake's deadline drops the connection if the client never reads.
 */
final class ConnectionWatch extends ChannelInboundHandlerAdapter implements Runnable {
    /** The intervals, shared by every connection. */
    record Intervals(long heartbeatNanos, long idleTimeoutNanos, long closeTimeoutMs) {
        static Intervals ofMillis(long heartbeatMs, long idleTimeoutMs, long closeTimeoutMs) {
            return new Intervals(TimeUnit.MILLISECONDS.toNanos(heartbeatMs), TimeUnit.MILLISECONDS.toNanos(idleTimeoutMs),
                    closeTimeoutMs);
        }
    }

    private final Intervals intervals;
    private ChannelHandlerContext ctx;
    private Future<?> timer;
    private long lastReadNanos;
    private long nextPingNanos;

    ConnectionWatch(Intervals intervals) {
        this.intervals = intervals;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        long now = now();
        lastReadNanos = now;
        nextPingNanos = now + intervals.heartbeatNanos();
        if (ctx.channel().isActive()) {
            arm(now);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (timer == null) {
            arm(now());
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastReadNanos = now();
        ctx.fireChannelRead(msg);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        disarm();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        disarm();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        Channel channel = ctx.channel();
        if (!channel.isWritable()) {
            ctx.executor().execute(() -> {
                if (!channel.isWritable()) {
                    ClosingHandshake.start(channel, CloseCode.SLOW_CONSUMER, intervals.closeTimeoutMs());
                }
            });
        }
        ctx.fireChannelWritabilityChanged();
    }

    /** The timer: closes an idle client, or pings and waits for what is due next. */
    @Override
    public void run() {
        timer = null;
        Channel channel = ctx.channel();
        if (!channel.isActive()) {
            return;
        }
        long now = now();
        if (now - lastReadNanos >= intervals.idleTimeoutNanos()) {
            ClosingHandshake.start(channel, CloseCode.IDLE_TIMEOUT, intervals.closeTimeoutMs());
            return;
        }
        if (now - nextPingNanos >= 0) {
            nextPingNanos += intervals.heartbeatNanos();
            if (!ClosingHandshake.started(channel)) {
                channel.writeAndFlush(new PingWebSocketFrame(), channel.voidPromise());
            }
        }
        arm(now);
    }

    private void arm(long now) {
        long due = Math.min(nextPingNanos, lastReadNanos + intervals.idleTimeoutNanos());
        timer = ctx.executor().schedule(this, Math.max(0, due - now), TimeUnit.NANOSECONDS);
    }

    private void disarm() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private long now() {
        Ticker ticker = ctx.executor().ticker();
        return ticker.nanoTime();
    }
}
