package dev.parley.server.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.nio.charset.StandardCharsets;

/**
 * One HTTP endpoint in the pipeline: it answers the GET and HEAD requests whose path it
 * {@linkplain #handles handles} and passes every other message on. It owns and releases the
 * requests it answers.
 */
abstract class HttpEndpoint extends ChannelInboundHandlerAdapter {

    /** Whether this endpoint answers {@code path} (decoded, without the query). */
    abstract boolean handles(String path);

    /** Answers {@code request}, a GET or HEAD for a path this endpoint handles. */
    abstract void serve(ChannelHandlerContext ctx, FullHttpRequest request, String path);

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (request.decoderResult().isFailure()) {
            request.release();
            ctx.writeAndFlush(text(HttpResponseStatus.BAD_REQUEST, "bad request\n"))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        if (!handles(path)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            if (request.method().equals(HttpMethod.GET) || request.method().equals(HttpMethod.HEAD)) {
                serve(ctx, request, path);
            } else {
                FullHttpResponse response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed\n");
                response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
                send(ctx, request, response);
            }
        } finally {
            request.release();
        }
    }

    /** A plain-text response. */
    static FullHttpResponse text(HttpResponseStatus status, String body) {
        return response(status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }

    /** A response with {@code body}, its length set and the headers every response carries. */
    static FullHttpResponse response(HttpResponseStatus status, String contentType, byte[] body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .set("X-Content-Type-Options", "nosniff");
        HttpUtil.setContentLength(response, body.length);
        return response;
    }

    /** Sends {@code response}, without its body when {@code request} is a HEAD. */
    static void send(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response) {
        if (request.method().equals(HttpMethod.HEAD)) {
            response.content().clear();
        }
        ctx.writeAndFlush(response);
    }
}
