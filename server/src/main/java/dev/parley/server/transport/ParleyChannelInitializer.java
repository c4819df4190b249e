package dev.parley.server.transport;

import dev.parley.protocol.ProtocolVersion;
import dev.parley.server.config.ServerConfig;
import dev.parley.server.http.AddressLimitHandler;
import dev.parley.server.http.ApiHandler;
import dev.parley.server.http.BoundedAggregator;
import dev.parley.server.http.HealthHandler;
import dev.parley.server.http.MetricsHandler;
import dev.parley.server.http.OriginCheckHandler;
import dev.parley.server.http.ReadyHandler;
import dev.parley.server.http.StaticFileHandler;
import dev.parley.server.http.StaticFiles;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.AttributeKey;

/**
 * Assembles every connection's pipeline, and re-assembles it when the connection upgrades to a
 * WebSocket. One port serves both:
 *
 * <pre>
 * HTTP phase:  [proxy-protocol] | [tls] | flush | http-encoder | http-decoder | http-keepalive | http-aggregator
 *              | http-deadline | address-limit | origin | ws-deflate | ws-protocol | ws-aggregator | [api] | healthz
 *              | readyz | metrics | static | upgrade | session
 * upgraded:    [tls] | watch | ws-encoder | ws-decoder | deflate codecs | utf8 | ws-protocol
 *              | ws-aggregator | session
 * </pre>
 *
 * {@code proxy-protocol} is there for connections from trusted proxies only, {@code tls} when a
 * certificate is configured, {@code api} when an API key is. {@code http-deadline} drops a
 * connection whose upgrade is not done within the handshake timeout, and {@code address-limit}
 * answers 429 to an address over its connection limits.
 *
 * The HTTP decoder and encoder are separate handlers, not an {@code HttpServerCodec}, so that the
 * handshake replaces the decoder in place and frames a client sends right behind its upgrade
 * request reach the WebSocket decoder instead of being lost. The encoder comes first, so that the
 * WebSocket encoder the handshake puts in its place also lies ahead of the decoder, whose close
 * frames for protocol violations must pass through it.
 *
 * <p>permessage-deflate accepts {@code server_no_context_takeover}, which Java-WebSocket and other
 * clients ask for, and caps inflated messages at {@code maxFrameBytes}.
 *
 * <p>A message enters at {@code ws-decoder}, is validated ({@code utf8}), reassembled
 * ({@code ws-aggregator}) and reaches {@link WebSocketSessionHandler}; what sessions send leaves
 * through {@code ws-encoder}; replies written during a read are flushed once at its end.
 */
public final class ParleyChannelInitializer extends ChannelInitializer<SocketChannel> {
    /** Largest HTTP request accepted without a server API; with it, server API bodies may be as large as a frame. */
    private static final int MAX_HTTP_REQUEST_BYTES = 8192;
    /**
     * Flushes of HTTP responses coalesced before one is forced through within one read. Upgraded
     * connections coalesce their replies in {@link ChannelTransport}, and fan-out writes are
     * flushed once per event-loop turn by the hub.
     */
    private static final int FLUSHES_PER_BATCH = 256;
    /** zlib's default trade-off of speed and size. */
    private static final int DEFLATE_LEVEL = 6;
    /** The client's deflate window, as RFC 7692 allows by default. */
    private static final int MAX_WINDOW_BITS = 15;

    /**
     * The name under which {@link WebSocketServerProtocolHandler} adds its (package-private)
     * handshake handler; it removes that handler as soon as an upgrade starts.
     */
    private static final String HANDSHAKE_HANDLER =
            "io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandshakeHandler";
    /**
     * Where {@link WebSocketServerProtocolHandler} keeps the handshaker (with the request's URI and
     * subprotocols) for the connection's life; it reads it again only to answer close frames
     * itself, which this server does on its own ({@code handleCloseFrames(false)}).
     */
    private static final AttributeKey<WebSocketServerHandshaker> HANDSHAKER =
            AttributeKey.valueOf(WebSocketServerHandshaker.class, "HANDSHAKER");

    private final ServerContext context;
    private final WebSocketServerProtocolConfig webSocketConfig;
    private final OriginCheckHandler originCheck;
    private final HealthHandler health;
    private final ReadyHandler ready;
    private final MetricsHandler metrics;
    private final StaticFileHandler staticFiles;
    private final ConnectionWatch.Intervals watchIntervals;
    private final AddressLimitHandler addressLimit;
    private final ApiHandler api;
    private final int maxHttpRequestBytes;

    public ParleyChannelInitializer(ServerContext context, StaticFiles files) {
        ServerConfig config = context.config();
        this.context = context;
        this.webSocketConfig = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(ProtocolVersion.WEBSOCKET_PATH)
                .subprotocols(ProtocolVersion.SUBPROTOCOL)
                .checkStartsWith(true)
                .handshakeTimeoutMillis(config.handshakeTimeoutMs())
                .handleCloseFrames(false)
                .sendCloseFrame(null)
                .dropPongFrames(true)
                .decoderConfig(WebSocketDecoderConfig.newBuilder()
                        .maxFramePayloadLength(config.maxFrameBytes())
                        .allowExtensions(config.compression())
                        .closeOnProtocolViolation(true)
                        .withUTF8Validator(true)
                        .build())
                .build();
        this.originCheck = new OriginCheckHandler(ProtocolVersion.WEBSOCKET_PATH, config.allowedOrigins());
        this.health = new HealthHandler(context.stopping(), context.metrics()::activeConnections);
        this.ready = new ReadyHandler(context.draining(), context.prepared(), context.reachable());
        this.metrics = new MetricsHandler(context.metrics());
        this.staticFiles = new StaticFileHandler(files);
        this.watchIntervals = ConnectionWatch.Intervals.ofMillis(config.heartbeatMs(), config.idleTimeoutMs(),
                config.closeTimeoutMs());
        this.addressLimit = new AddressLimitHandler(context.clientAddresses(), context.addressLimiter(), context.metrics());
        String apiKey = config.security().apiKey();
        this.api = apiKey == null ? null : new ApiHandler(apiKey, context.node(), config.maxTextChars());
        this.maxHttpRequestBytes = api == null ? MAX_HTTP_REQUEST_BYTES : Math.max(MAX_HTTP_REQUEST_BYTES, config.maxFrameBytes());
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        ServerConfig config = context.config();
        context.connections().add(channel);
        ChannelPipeline pipeline = channel.pipeline();
        if (context.clientAddresses().trustsPeer(channel)) {
            pipeline.addLast("proxy-protocol", new ProxyProtocolHandler());
        }
        if (context.tls() != null) {
            pipeline.addLast("tls", context.tls().newHandler(channel.alloc()));
        }
        pipeline.addLast("flush", new FlushConsolidationHandler(FLUSHES_PER_BATCH, false));
        pipeline.addLast("http-encoder", new HttpResponseEncoder());
        pipeline.addLast("http-decoder", new HttpRequestDecoder());
        pipeline.addLast("http-keepalive", new HttpServerKeepAliveHandler());
        pipeline.addLast("http-aggregator", new BoundedAggregator(maxHttpRequestBytes));
        pipeline.addLast("http-deadline", new HandshakeDeadlineHandler(config.handshakeTimeoutMs(),
                () -> context.metrics().connectionRefused("handshake_timeout")));
        pipeline.addLast("address-limit", addressLimit);
        pipeline.addLast("origin", originCheck);
        if (config.compression()) {
            pipeline.addLast("ws-deflate", new WebSocketServerExtensionHandler(new PerMessageDeflateServerExtensionHandshaker(
                    DEFLATE_LEVEL, false, MAX_WINDOW_BITS, true, false, config.maxFrameBytes())));
        }
        pipeline.addLast("ws-protocol", new WebSocketServerProtocolHandler(webSocketConfig));
        pipeline.addLast("ws-aggregator", new WebSocketFrameAggregator(config.maxFrameBytes()));
        if (api != null) {
            pipeline.addLast("api", api);
        }
        pipeline.addLast("healthz", health);
        pipeline.addLast("readyz", ready);
        pipeline.addLast("metrics", metrics);
        pipeline.addLast("static", staticFiles);
        pipeline.addLast("upgrade", new UpgradeHandler());
        pipeline.addLast("session", new WebSocketSessionHandler(context));
    }

    /**
     * Swaps the HTTP-phase handlers for the WebSocket ones once the handshake completes. Until
     * then it also answers a graceful stop: a connection still speaking HTTP is closed at once; one
     * whose upgrade is under way is closed with 1001 by the session handler when it completes.
     */
    private final class UpgradeHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == ServerContext.STOPPING && ctx.pipeline().context(HANDSHAKE_HANDLER) != null) {
                ctx.close();
            } else if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                ChannelPipeline pipeline = ctx.pipeline();
                pipeline.remove("flush");
                pipeline.remove("http-deadline");
                if (api != null) {
                    pipeline.remove("api");
                }
                pipeline.remove("http-keepalive");
                pipeline.remove("origin");
                pipeline.remove("healthz");
                pipeline.remove("readyz");
                pipeline.remove("metrics");
                pipeline.remove("static");
                ConnectionWatch watch = new ConnectionWatch(watchIntervals);
                if (pipeline.get("tls") != null) {
                    pipeline.addAfter("tls", "watch", watch);
                } else {
                    pipeline.addFirst("watch", watch);
                }
                pipeline.remove(this);
                ctx.channel().attr(HANDSHAKER).set(null);
            }
            ctx.fireUserEventTriggered(evt);
        }
    }
}
