package dev.parley.server.transport;

import dev.parley.protocol.CloseCode;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * The server's side of the WebSocket closing handshake: send one close frame, then give the client
 * a deadline to answer before the TCP connection is dropped. The code of the first close frame
 * sent, by either side's initiative, is kept on the channel; later attempts do nothing.
 */
public final class ClosingHandshake {
    private static final AttributeKey<Integer> CLOSE_SENT = AttributeKey.valueOf(ClosingHandshake.class, "sent");

    private ClosingHandshake() {
    }

    /** Sends a close frame with {@code code} and drops the connection if no answer comes in {@code timeoutMs}. */
    public static void start(Channel channel, CloseCode code, long timeoutMs) {
        if (!markSent(channel, code.code())) {
            return;
        }
        channel.writeAndFlush(new CloseWebSocketFrame(code.code(), code.reason()));
        ScheduledFuture<?> deadline = channel.eventLoop().schedule((Runnable) channel::close, timeoutMs, TimeUnit.MILLISECONDS);
        channel.closeFuture().addListener(closed -> deadline.cancel(false));
    }

    /** Records that a close frame with {@code code} is being sent; false when one was sent before. */
    static boolean markSent(Channel channel, int code) {
        return channel.attr(CLOSE_SENT).compareAndSet(null, code);
    }

    /** Whether a close frame has been sent on {@code channel}. */
    public static boolean started(Channel channel) {
        return channel.hasAttr(CLOSE_SENT) && channel.attr(CLOSE_SENT).get() != null;
    }

    /** The code of the close frame sent on {@code channel}, or {@code null}. */
    static Integer sentCode(Channel channel) {
        return channel.hasAttr(CLOSE_SENT) ? channel.attr(CLOSE_SENT).get() : null;
    }
}
