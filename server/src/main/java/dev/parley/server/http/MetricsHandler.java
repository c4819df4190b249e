package dev.parley.server.http;

import dev.parley.server.metrics.ServerMetrics;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.nio.charset.StandardCharsets;

/** {@code GET /metrics}: every metric in the Prometheus text format. */
@ChannelHandler.Sharable
public final class MetricsHandler extends HttpEndpoint {
    public static final String PATH = "/metrics";
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final ServerMetrics metrics;

    public MetricsHandler(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    boolean handles(String path) {
        return PATH.equals(path);
    }

    @Override
    void serve(ChannelHandlerContext ctx, FullHttpRequest request, String path) {
        byte[] body = metrics.scrape().getBytes(StandardCharsets.UTF_8);
        send(ctx, request, response(HttpResponseStatus.OK, PROMETHEUS_TEXT, body));
    }
}
