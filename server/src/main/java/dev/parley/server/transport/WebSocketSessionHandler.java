package dev.parley.server.transport;

import dev.parley.protocol.CloseCode;
import dev.parley.protocol.ProtocolException;
import dev.parley.server.codec.CommandReader;
import dev.parley.server.hooks.UpgradeRequest;
import dev.parley.server.limits.ClientAddresses;
import dev.parley.server.metrics.ServerMetrics;
import dev.parley.server.session.Session;
import dev.parley.server.session.SessionSettings;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The last handler of an upgraded connection: it owns the connection's {@link Session}, turns
 * text frames into commands for it, and ends it exactly once when the channel closes, whatever
 * closed it. A session exists only after the WebSocket handshake has completed.
 *
 * <p>Frames other than text are answered with the protocol's close codes; client mistakes are
 * logged at DEBUG without stack traces.
 */
final class WebSocketSessionHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketSessionHandler.class);
    /** Frames held while the handshake completes; more than this is no client we want. */
    private static final int MAX_EARLY_FRAMES = 16;

    private final ServerContext context;
    private Session session;
    private ChannelTransport transport;
    private ScheduledFuture<?> helloTimeout;
    /** Frames that arrived right behind the upgrade request, before the handshake completed. */
    private List<WebSocketFrame> early;

    WebSocketSessionHandler(ServerContext context) {
        this.context = context;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete handshake) {
            start(ctx, handshake);
        } else if (evt == ServerContext.STOPPING && session != null) {
            session.stop();
        }
        ctx.fireUserEventTriggered(evt);
    }

    private void start(ChannelHandlerContext ctx, WebSocketServerProtocolHandler.HandshakeComplete handshake) {
        Channel channel = ctx.channel();
        ServerMetrics metrics = context.metrics();
        long closeTimeoutMs = context.config().closeTimeoutMs();
        transport = new ChannelTransport(channel, metrics, closeTimeoutMs);
        session = new Session(transport, context.node(), context.sessionSettings(), metrics, System::currentTimeMillis,
                context.authenticator());
        metrics.connectionOpened();
        if (context.node().hooks().connect() != null) {
            session.keepUpgradeRequest(upgradeRequest(channel, handshake.requestHeaders()));
        }
        helloTimeout = channel.eventLoop().schedule(() -> {
            if (!session.isReady()) {
                ClosingHandshake.start(channel, CloseCode.HELLO_TIMEOUT, closeTimeoutMs);
            }
        }, context.config().helloTimeoutMs(), TimeUnit.MILLISECONDS);
        channel.closeFuture().addListener(closed -> end(channel));
        LOG.debug("{} connected from {}", session, channel.hasAttr(ClientAddresses.CLIENT)
                ? channel.attr(ClientAddresses.CLIENT).get() : channel.remoteAddress());
        if (context.stopping().getAsBoolean()) {
            session.stop();
        }
        if (early != null) {
            List<WebSocketFrame> frames = early;
            early = null;
            for (WebSocketFrame frame : frames) {
                try {
                    channelRead0(ctx, frame);
                } finally {
                    frame.release();
                }
            }
        }
    }

    /** What the connect hook is told of the upgrade: only it needs the headers, so only with it are they kept. */
    private static UpgradeRequest upgradeRequest(Channel channel, HttpHeaders headers) {
        InetAddress client = channel.attr(ClientAddresses.CLIENT).get();
        String address = client != null ? client.getHostAddress()
                : ((InetSocketAddress) channel.remoteAddress()).getAddress().getHostAddress();
        return new UpgradeRequest(address, headers.get(HttpHeaderNames.COOKIE), headers.get(HttpHeaderNames.ORIGIN),
                headers.get(HttpHeaderNames.USER_AGENT));
    }

    private void end(Channel channel) {
        if (helloTimeout != null) {
            helloTimeout.cancel(false);
        }
        session.end();
        Integer sent = ClosingHandshake.sentCode(channel);
        int code = sent != null ? sent : CloseCode.ABNORMAL_CLOSURE;
        context.metrics().connectionClosed(code);
        LOG.debug("{} ended with {}", session, code);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (session == null) {
            holdUntilHandshake(ctx, frame);
        } else if (frame.rsv() != 0) {
            // Reserved bits no negotiated extension consumed (permessage-deflate clears RSV1): RFC 6455, 5.2.
            close(ctx.channel(), CloseCode.PROTOCOL_ERROR);
        } else if (frame instanceof TextWebSocketFrame) {
            context.metrics().frameIn();
            transport.readStarted();
            read(ctx.channel(), (TextWebSocketFrame) frame);
        } else if (frame instanceof CloseWebSocketFrame) {
            closeFrame(ctx.channel(), (CloseWebSocketFrame) frame);
        } else if (frame instanceof BinaryWebSocketFrame) {
            close(ctx.channel(), CloseCode.UNSUPPORTED_DATA);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (transport != null) {
            transport.readComplete();
        }
        ctx.fireChannelReadComplete();
    }

    private void holdUntilHandshake(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (early == null) {
            early = new ArrayList<>(2);
        }
        if (early.size() == MAX_EARLY_FRAMES) {
            ctx.close();
            return;
        }
        early.add(frame.retain());
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (early != null) {
            early.forEach(WebSocketFrame::release);
            early = null;
        }
    }

    private void read(Channel channel, TextWebSocketFrame frame) {
        if (frame.content().readableBytes() > context.config().maxFrameBytes()) {
            close(channel, CloseCode.MESSAGE_TOO_BIG);
            return;
        }
        try {
            session.handle(CommandReader.read(frame.content()));
        } catch (ProtocolException e) {
            session.reject(e.toEvent());
        }
        if (helloTimeout != null && session.isReady()) {
            helloTimeout.cancel(false);
            helloTimeout = null;
        }
    }

    /** Answers the client's close frame, or takes it as the answer to ours, and drops the connection. */
    private void closeFrame(Channel channel, CloseWebSocketFrame frame) {
        if (ClosingHandshake.markSent(channel, frame.statusCode() < 0 ? CloseCode.NO_STATUS_RECEIVED : frame.statusCode())) {
            channel.writeAndFlush(new CloseWebSocketFrame(true, 0, frame.content().retain()))
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.close();
        }
    }

    private void close(Channel channel, CloseCode code) {
        ClosingHandshake.start(channel, code, context.config().closeTimeoutMs());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Channel channel = ctx.channel();
        if (cause instanceof TooLongFrameException || cause instanceof DecompressionException) {
            LOG.debug("{}: message too big: {}", session, cause.getMessage());
            close(channel, CloseCode.MESSAGE_TOO_BIG);
        } else if (cause instanceof CorruptedWebSocketFrameException || cause instanceof IOException
                || cause instanceof DecoderException && cause.getCause() instanceof SSLException) {
            LOG.debug("{}: {}", session == null ? channel : session, cause.toString());
            channel.close();
        } else {
            LOG.warn("{}: unexpected failure, closing with 1011", session == null ? channel : session, cause);
            if (session == null) {
                channel.close();
            } else {
                close(channel, CloseCode.INTERNAL_ERROR);
            }
        }
    }
}
