package dev.parley.server.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.ScheduledFuture;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Netty's {@link HttpObjectAggregator}, bounded at {@code maxBytes}. A request over the bound gets
 * 413 (for the server API, JSON in the API's error shape) and the connection ends, since the rest
 * of the body is not worth reading; but not at once: closing a socket with part of the body still
 * arriving makes the kernel answer with a reset that can destroy the 413 before the client reads
 * it. So the server stops writing, reads on (the aggregator drops what arrives) and closes when the
 * client does, or after {@value #LINGER_MS} ms.
 */
public final class BoundedAggregator extends HttpObjectAggregator {
    /** The longest a connection answered 413 is read from before it is closed. */
    static final long LINGER_MS = 2_000;

    private final int maxBytes;

    public BoundedAggregator(int maxBytes) {
        super(maxBytes);
        this.maxBytes = maxBytes;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) throws Exception {
        if (!(oversized instanceof HttpRequest request)) {
            super.handleOversizedMessage(ctx, oversized);
            return;
        }
        String message = "the body is larger than " + maxBytes + " bytes";
        FullHttpResponse response = new QueryStringDecoder(request.uri()).path().startsWith(ApiHandler.PREFIX)
                ? HttpEndpoint.response(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "application/json",
                        ("{\"code\":\"bad_request\",\"message\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8))
                : HttpEndpoint.text(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, message + "\n");
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        // It would close the connection right behind the response this says is its last.
        if (ctx.pipeline().get(HttpServerKeepAliveHandler.class) != null) {
            ctx.pipeline().remove(HttpServerKeepAliveHandler.class);
        }
        Channel channel = ctx.channel();
        ctx.writeAndFlush(response).addListener(written -> lingerThenClose(channel));
    }

    private static void lingerThenClose(Channel channel) {
        if (!(channel instanceof DuplexChannel duplex) || !channel.isActive()) {
            channel.close();
            return;
        }
        ScheduledFuture<?> deadline = channel.eventLoop().schedule(() -> {
            channel.close();
        }, LINGER_MS, TimeUnit.MILLISECONDS);
        channel.closeFuture().addListener(closed -> deadline.cancel(false));
        duplex.shutdownOutput();
    }
}
