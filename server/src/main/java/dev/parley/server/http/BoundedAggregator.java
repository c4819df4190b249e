package dev.parley.server.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.nio.charset.StandardCharsets;

/**
 * Netty's {@link HttpObjectAggregator}, bounded at {@code maxBytes}, whose 413 for the server API
 * is JSON in the API's error shape; either way the connection is closed, since the rest of the
 * body is not worth reading.
 */
public final class BoundedAggregator extends HttpObjectAggregator {
    private final int maxBytes;

    public BoundedAggregator(int maxBytes) {
        super(maxBytes);
        this.maxBytes = maxBytes;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) throws Exception {
        if (oversized instanceof HttpRequest request && new QueryStringDecoder(request.uri()).path().startsWith(ApiHandler.PREFIX)) {
            String body = "{\"code\":\"bad_request\",\"message\":\"the body is larger than " + maxBytes + " bytes\"}";
            ctx.writeAndFlush(HttpEndpoint.response(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "application/json",
                    body.getBytes(StandardCharsets.UTF_8))).addListener(ChannelFutureListener.CLOSE);
        } else {
            super.handleOversizedMessage(ctx, oversized);
        }
    }
}
