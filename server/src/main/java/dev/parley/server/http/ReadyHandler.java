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
 * {@code GET /readyz}: readiness for load balancers. {@code {"status":"ready"}} with 200 while
 * this node accepts new sessions, {@code {"status":"not ready"}} with 503 otherwise (from the
 * first moment of a graceful stop), so that the balancer sends new clients elsewhere while the
 * node still serves the ones it has.
 */
@ChannelHandler.Sharable
public final class ReadyHandler extends HttpEndpoint {
    public static final String PATH = "/readyz";

    private final BooleanSupplier ready;

    public ReadyHandler(BooleanSupplier ready) {
        this.ready = ready;
    }

    @Override
    boolean handles(String path) {
        return PATH.equals(path);
    }

    @Override
    void serve(ChannelHandlerContext ctx, FullHttpRequest request, String path) {
        boolean up = ready.getAsBoolean();
        String body = "{\"status\":\"" + (up ? "ready" : "not ready") + "\"}";
        FullHttpResponse response = response(up ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                "application/json", body.getBytes(StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        send(ctx, request, response);
    }
}
