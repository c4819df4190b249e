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

/**
 * {@code GET /readyz}: whether load balancers should send this node new sessions. 200
 * {@code {"status":"ready"}}; 503 {@code "stopping"} once a graceful stop has begun,
 * {@code "starting"} until the node has readied itself for load (its hooks' connections opened,
 * its message path warmed up), or {@code "unavailable"} while what the node depends on (the
 * cluster's Redis) is out of reach.
 */
@ChannelHandler.Sharable
public final class ReadyHandler extends HttpEndpoint {
    public static final String PATH = "/readyz";

    private final BooleanSupplier stopping;
    private final BooleanSupplier prepared;
    private final BooleanSupplier reachable;

    public ReadyHandler(BooleanSupplier stopping, BooleanSupplier prepared, BooleanSupplier reachable) {
        this.stopping = stopping;
        this.prepared = prepared;
        this.reachable = reachable;
    }

    @Override
    boolean handles(String path) {
        return PATH.equals(path);
    }

    @Override
    void serve(ChannelHandlerContext ctx, FullHttpRequest request, String path) {
        String status = stopping.getAsBoolean() ? "stopping" : !prepared.getAsBoolean() ? "starting"
                : reachable.getAsBoolean() ? "ready" : "unavailable";
        byte[] body = ("{\"status\":\"" + status + "\"}").getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = response(status.equals("ready") ? HttpResponseStatus.OK
                : HttpResponseStatus.SERVICE_UNAVAILABLE, "application/json", body);
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        send(ctx, request, response);
    }
}
