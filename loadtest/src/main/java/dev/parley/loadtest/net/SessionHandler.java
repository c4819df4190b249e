package dev.parley.loadtest.net;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

import java.io.IOException;

/**
 * The last handler of a harness connection: turns frames into {@link LoadSession} calls. Text
 * frames are read with {@link EventReader}; a close frame is answered with the same code and the
 * connection closed; anything else is reported as unreadable.
 */
final class SessionHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    private final LoadSession session;

    SessionHandler(LoadSession session) {
        this.session = session;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            session.handshakeComplete();
        } else if (evt == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
            session.fail(new SessionFailure("handshake timeout"));
            ctx.close();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        long receivedNanos = System.nanoTime();
        if (frame instanceof TextWebSocketFrame) {
            try {
                session.received(EventReader.read(frame.content()), receivedNanos);
            } catch (IOException | RuntimeException e) {
                session.unreadable("unreadable event: " + e.getClass().getSimpleName());
            }
        } else if (frame instanceof CloseWebSocketFrame close) {
            session.closeFrame(close.statusCode(), close.reasonText());
            ctx.writeAndFlush(new CloseWebSocketFrame(close.statusCode(), ""))
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            session.unreadable("unexpected " + frame.getClass().getSimpleName());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        session.inactive();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        session.fail(cause);
        ctx.close();
    }
}
