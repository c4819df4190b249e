package dev.parley.loadtest.net;

import dev.parley.protocol.ProtocolVersion;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Opens harness sessions to one or more WebSocket URLs (the nodes of a cluster, or one proxy):
 * session {@code i} goes to URL {@code i mod n}, and a session that reconnects tries the next URL
 * of the list each attempt. Every connection shares one event-loop group (epoll where it loads),
 * so tens of thousands of sessions cost a few threads, never one each; a session keeps its event
 * loop across reconnects.
 *
 * <pre>
 * pipeline: http-codec | http-aggregator | ws-protocol (handshake, ping → pong) | ws-aggregator | session
 * </pre>
 *
 * Compression is not offered: a benchmark measures the server's plain path.
 */
public final class LoadClient implements AutoCloseable {
    /** Largest event accepted from the server (a {@code joined} with history can be large). */
    private static final int MAX_EVENT_BYTES = 16 << 20;
    private static final int MAX_HANDSHAKE_RESPONSE_BYTES = 8192;
    /** Outbound bytes above which a paced sender waits (its schedule keeps the intended times). */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 256 * 1024);

    private final List<Target> targets;
    private final SourceAddresses sources;
    private final EventLoopGroup group;
    private final String transport;
    private final Bootstrap bootstrap;
    private final int timeoutMs;
    private final Reconnection reconnection;
    private final ReconnectStats reconnects = new ReconnectStats();
    private final AtomicInteger nextTarget = new AtomicInteger();

    /** One URL: where to connect and how to speak WebSocket there. */
    private record Target(URI url, InetSocketAddress remote, WebSocketClientProtocolConfig webSocket) {
    }

    /**
     * @param urls         {@code ws://host:port/ws}, one or more
     * @param ioThreads    event loops, 0 for one per core
     * @param sources      the local addresses to spread connections over
     * @param timeoutMs    TCP connect timeout, WebSocket handshake timeout and hello timeout, each
     * @param reconnection how sessions come back after a 1001 or a dropped connection
     */
    public LoadClient(List<URI> urls, int ioThreads, SourceAddresses sources, int timeoutMs, Reconnection reconnection) {
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("no URL");
        }
        this.targets = urls.stream().map(url -> new Target(url, remoteAddress(url), webSocketConfig(url, timeoutMs)))
                .toList();
        this.sources = sources;
        this.timeoutMs = timeoutMs;
        this.reconnection = reconnection;
        boolean epoll = Epoll.isAvailable();
        this.transport = epoll ? "epoll" : "nio";
        int threads = ioThreads > 0 ? ioThreads : Runtime.getRuntime().availableProcessors();
        this.group = new MultiThreadIoEventLoopGroup(threads, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMs)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK);
    }

    private static WebSocketClientProtocolConfig webSocketConfig(URI url, int timeoutMs) {
        return WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(url)
                .subprotocol(ProtocolVersion.SUBPROTOCOL)
                .maxFramePayloadLength(MAX_EVENT_BYTES)
                .handshakeTimeoutMillis(timeoutMs)
                .handleCloseFrames(false)
                .dropPongFrames(true)
                .withUTF8Validator(false)
                .build();
    }

    private static InetSocketAddress remoteAddress(URI url) {
        if (!"ws".equalsIgnoreCase(url.getScheme()) || url.getHost() == null) {
            throw new IllegalArgumentException("not a ws://host:port/path URL: " + url);
        }
        try {
            InetAddress host = InetAddress.getByName(url.getHost());
            return new InetSocketAddress(host, url.getPort() < 0 ? 80 : url.getPort());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown host in " + url, e);
        }
    }

    /** The first URL's server address, resolved once. */
    public InetAddress serverAddress() {
        return targets.get(0).remote().getAddress();
    }

    /** The URLs, comma-separated, as given. */
    public String urls() {
        return targets.stream().map(t -> t.url().toString()).collect(Collectors.joining(","));
    }

    /** {@code epoll} or {@code nio}. */
    public String transport() {
        return transport;
    }

    /** What reconnecting sessions went through so far. */
    public ReconnectStats reconnects() {
        return reconnects;
    }

    Reconnection reconnection() {
        return reconnection;
    }

    int timeoutMs() {
        return timeoutMs;
    }

    int targetCount() {
        return targets.size();
    }

    /**
     * Connects to the next URL in turn, completes the WebSocket handshake and says {@code hello}
     * as {@code nick}. Any thread; {@link LoadSession#opened()} completes once {@code welcome}
     * arrived.
     */
    public LoadSession open(String nick) {
        int target = Math.floorMod(nextTarget.getAndIncrement(), targets.size());
        LoadSession session = new LoadSession(nick, this, group.next(), target, System.nanoTime());
        connect(session, target);
        return session;
    }

    /** Opens a connection for {@code session} to URL {@code target}, on the session's event loop. */
    void connect(LoadSession session, int target) {
        Target to = targets.get(target);
        Bootstrap b = bootstrap.clone(session.eventLoop()).handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel channel) {
                session.attach(channel);
                ChannelPipeline pipeline = channel.pipeline();
                pipeline.addLast("http-codec", new HttpClientCodec());
                pipeline.addLast("http-aggregator", new HttpObjectAggregator(MAX_HANDSHAKE_RESPONSE_BYTES));
                pipeline.addLast("ws-protocol", new WebSocketClientProtocolHandler(to.webSocket()));
                pipeline.addLast("ws-aggregator", new WebSocketFrameAggregator(MAX_EVENT_BYTES));
                pipeline.addLast("session", new SessionHandler(session));
            }
        });
        InetSocketAddress local = sources.next();
        ChannelFuture connect = local == null ? b.connect(to.remote()) : b.connect(to.remote(), local);
        connect.addListener(done -> {
            if (!done.isSuccess()) {
                connect.channel().close();
                session.connectFailed(done.cause());
            }
        });
    }

    /** Closes every connection and stops the event loops; waits up to a few seconds. */
    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
