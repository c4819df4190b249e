package dev.parley.server.http;

import dev.parley.server.limits.AddressLimiter;
import dev.parley.server.limits.ClientAddresses;
import dev.parley.server.metrics.ServerMetrics;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;

/**
 * On a connection's first request, finds its client address (through trusted proxies), records it
 * on the channel and counts the connection against that address's limits: over them, the
 * request is answered with 429 and the connection closed, before any upgrade. An admitted
 * connection is uncounted when it closes. Then it steps aside.
 */
@ChannelHandler.Sharable
public final class AddressLimitHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(AddressLimitHandler.class);

    private final ClientAddresses addresses;
    private final AddressLimiter limiter;
    private final ServerMetrics metrics;

    public AddressLimitHandler(ClientAddresses addresses, AddressLimiter limiter, ServerMetrics metrics) {
        this.addresses = addresses;
        this.limiter = limiter;
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ctx.pipeline().remove(this);
        InetAddress client = addresses.resolve(ctx.channel(), request.headers());
        ctx.channel().attr(ClientAddresses.CLIENT).set(client);
        AddressLimiter.Verdict verdict = limiter.enabled() ? limiter.acquire(client) : AddressLimiter.Verdict.ADMITTED;
        if (verdict == AddressLimiter.Verdict.ADMITTED) {
            if (limiter.enabled()) {
                ctx.channel().closeFuture().addListener(closed -> limiter.release(client));
            }
            ctx.fireChannelRead(request);
            return;
        }
        request.release();
        metrics.connectionRefused(verdict.tag());
        LOG.debug("{}: refused, {} from {}", ctx.channel(), verdict, client);
        FullHttpResponse response = HttpEndpoint.text(HttpResponseStatus.TOO_MANY_REQUESTS,
                verdict == AddressLimiter.Verdict.TOO_MANY_OPEN ? "too many connections from your address\n"
                        : "too many new connections from your address\n");
        response.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
