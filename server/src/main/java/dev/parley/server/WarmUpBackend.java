package dev.parley.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The hook backend of {@link WarmUp}'s private copy: an HTTP server on 127.0.0.1, any free port,
 * on an event loop of its own, that answers every request 200 {@code {"action":"accept"}} on
 * keep-alive connections, which the publish hook and the connect hook both take as a yes. The
 * copy's sends and logins so take the hooks' real path (the hook client's pool, signing, the HTTP
 * codec on sockets, the answers read), and the node's own backends see nothing of the warm-up.
 */
final class WarmUpBackend {
    private static final byte[] ACCEPT = "{\"action\":\"accept\"}".getBytes(StandardCharsets.US_ASCII);
    /** The largest request read; the copy's are a short message's JSON. */
    private static final int MAX_REQUEST_BYTES = 64 * 1024;

    private final EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1,
            new DefaultThreadFactory("parley-warm-up-backend", true), NioIoHandler.newFactory());
    private final AtomicInteger answered = new AtomicInteger();
    private final Accept accept = new Accept();
    private int port;

    private WarmUpBackend() {
    }

    /** Starts a backend; completes once it listens, or fails (its event loop closed) when it cannot bind. */
    static CompletableFuture<WarmUpBackend> start() {
        WarmUpBackend backend = new WarmUpBackend();
        CompletableFuture<WarmUpBackend> started = new CompletableFuture<>();
        new ServerBootstrap().group(backend.loop).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_REQUEST_BYTES),
                                backend.accept);
                    }
                })
                .bind("127.0.0.1", 0).addListener((ChannelFuture bound) -> {
                    if (bound.isSuccess()) {
                        backend.port = ((InetSocketAddress) bound.channel().localAddress()).getPort();
                        started.complete(backend);
                    } else {
                        backend.close().whenComplete((closed, failure) -> started.completeExceptionally(bound.cause()));
                    }
                });
        return started;
    }

    /** {@code http://127.0.0.1:port} and {@code path}. */
    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** Requests answered so far. */
    int answered() {
        return answered.get();
    }

    /** Closes the listening socket, its connections and its event loop; completes when they are closed. */
    CompletableFuture<Void> close() {
        return WarmUp.completion(loop.shutdownGracefully(0, 1, TimeUnit.SECONDS));
    }

    /** Answers every request with an accept, keeping the connection open when the request asks. */
    @ChannelHandler.Sharable
    private final class Accept extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            answered.incrementAndGet();
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(ACCEPT));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, ACCEPT.length);
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            HttpUtil.setKeepAlive(response, keepAlive);
            ChannelFuture written = ctx.writeAndFlush(response);
            if (!keepAlive) {
                written.addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // a connection the copy's hook client dropped: nothing to answer on it
            ctx.close();
        }
    }
}
