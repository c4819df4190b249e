package dev.parley.server.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * {@code GET /healthz}: {@code {"status":"ok","connections":N,"uptimeMs":M}} with 200, or
 * {@code "stopping"} with 503 once a graceful stop closes the sessions. Liveness: readiness for
 * new sessions is {@link ReadyHandler}'s.
 */
@ChannelHandler.Sharable
public final class HealthHandler extends HttpEndpoint {
    public static final String PATH = "/healthz";

    private final BooleanSupplier stopping;
    private final LongSupplier connections;
    private final long startedAtNanos = System.nanoTime();

    public HealthHandler(BooleanSupplier stopping, LongSupplier connections) {
        this.stopping = stopping;
        this.connections = connections;
    }

    @Override
    boolean handles(String path) {
        return PATH.equals(path);
    }

    @Override
    void serve(ChannelHandlerContext ctx, FullHttpRequest request, String path) {
        boolean down = stopping.getAsBoolean();
        long uptimeMs = (System.nanoTime() - startedAtNanos) / 1_000_000;
        String body = "{\"status\":\"" + (down ? "stopping" : "ok") + "\",\"connections\":"
                + connections.getAsLong() + ",\"uptimeMs\":" + uptimeMs + "}";
        FullHttpResponse response = response(down ? HttpResponseStatus.SERVICE_UNAVAILABLE : HttpResponseStatus.OK,
                "application/json", body.getBytes(StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        send(ctx, request, response);
    }
}
