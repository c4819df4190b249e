package dev.parley.server.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Refuses, with HTTP 403 before the upgrade, a WebSocket handshake whose {@code Origin} is not on
 * the allow-list. An empty list allows every origin; a request without {@code Origin} comes from
 * no browser page and is let through, since origins guard against cross-site pages only.
 */
@ChannelHandler.Sharable
public final class OriginCheckHandler extends ChannelInboundHandlerAdapter {
    private final String webSocketPath;
    private final Set<String> allowed;

    public OriginCheckHandler(String webSocketPath, List<String> allowedOrigins) {
        this.webSocketPath = webSocketPath;
        this.allowed = allowedOrigins.stream().map(OriginCheckHandler::normalize).collect(Collectors.toUnmodifiableSet());
    }

    private static String normalize(String origin) {
        String trimmed = origin.trim().toLowerCase(Locale.ROOT);
        return trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FullHttpRequest request && refused(request)) {
            request.release();
            ctx.writeAndFlush(HttpEndpoint.text(HttpResponseStatus.FORBIDDEN, "origin not allowed\n"))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private boolean refused(FullHttpRequest request) {
        if (allowed.isEmpty() || !new QueryStringDecoder(request.uri()).path().startsWith(webSocketPath)) {
            return false;
        }
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        return origin != null && !allowed.contains(normalize(origin));
    }
}
