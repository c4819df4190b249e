package dev.parley.server;

import dev.parley.protocol.ProtocolVersion;
import dev.parley.server.config.HookConfig;
import dev.parley.server.config.ServerConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketClientCompressionHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs a node's message path before the node reports ready: a cold JVM runs the WebSocket reads,
 * the JSON, the hub's fan-out and the writes slowly for its first seconds under load (the JIT
 * still compiling), and a node that gets thousands of sends a second the moment {@code /readyz}
 * says 200 answered them late. So, on a thread of its own, it starts a private copy of the node
 * on loopback (its transport, event loops, pipeline and codec; in memory, without Redis, database,
 * webhooks, auth or TLS; its own metrics, its log lines at debug), has a few WebSocket clients log
 * in, join two rooms and send {@code --warm-up-messages} messages through it ({@link WarmUpClient})
 * while it pings them every {@value #PING_INTERVAL_MS} ms,
 * then closes clients, copy, backend and event loops once. When the node has a publish or connect
 * hook, the copy has it too, with the node's settings but asking a backend of the warm-up's own
 * ({@link WarmUpBackend}): the hooks' path runs on real sockets, and the node's backends see nothing.
 * The node's readiness waits for {@link #finished()}; a failure is logged and does not hold the node back.
 */
final class WarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(WarmUp.class);
    private static final int CLIENTS = 4;
    /** One short session (connect, log in, join, close) for this many messages. */
    private static final int MESSAGES_PER_SHORT_SESSION = 100;
    private static final List<String> ROOMS = List.of("warm-up-a", "warm-up-b");
    /** Messages per line of the debug log's timing, from which the default count was chosen. */
    private static final int BLOCK = 1_000;
    /** Longest a warm-up may take before the node gives up on it and reports ready. */
    private static final long LIMIT_SECONDS = 60;
    /** The rate limit of the copy: its clients send as fast as it answers. */
    private static final int UNLIMITED_RATE = 1_000_000;
    /**
     * The copy pings its clients this often, so that the JIT sees ping and pong frames beside the
     * messages before it compiles the WebSocket codec: else the node's first pings, a heartbeat
     * after its first sessions, throw that code back to the interpreter under load (measured: the
     * encoder, decoder and UTF-8 check recompiled at once, 50–140 ms of p99 for a second or two).
     */
    private static final int PING_INTERVAL_MS = 20;
    private static final CancellationException STOPPED = new CancellationException("the node stops");

    private final ServerConfig nodeConfig;
    /** The one thread that starts, drives and ends the warm-up; null when it is off. */
    private final ExecutorService driver;
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    /** The start of the copy's hook backend, completed with null when the node has no publish or connect hook. */
    private CompletableFuture<WarmUpBackend> backendStarted;
    /** The copy's start; set on the driver, before anything can end the warm-up. */
    private CompletableFuture<ParleyServer> started;
    /** The clients' event loop; the driver's. */
    private EventLoopGroup clientLoop;
    /** Whether the warm-up is over (done, failed or stopped); the driver's. */
    private boolean ended;
    private long startNanos;
    /** Acknowledged sends and the start of their current block, guarded by this. */
    private int acked;
    private long blockNanos;

    private WarmUp(ServerConfig nodeConfig, ExecutorService driver) {
        this.nodeConfig = nodeConfig;
        this.driver = driver;
    }

    /** Starts the warm-up that {@code nodeConfig} asks for, or none (finished at once) with 0 messages. */
    static WarmUp start(ServerConfig nodeConfig) {
        if (nodeConfig.warmUpMessages() == 0) {
            WarmUp none = new WarmUp(nodeConfig, null);
            none.finished.complete(null);
            return none;
        }
        WarmUp warmUp = new WarmUp(nodeConfig,
                Executors.newSingleThreadExecutor(new DefaultThreadFactory("parley-warm-up", true)));
        warmUp.driver.execute(warmUp::begin);
        return warmUp;
    }

    /** Completes, never exceptionally, once the warm-up is over and all it opened is closed. */
    CompletableFuture<Void> finished() {
        return finished;
    }

    /** Ends the warm-up early, if still running; returns {@link #finished()}. */
    CompletableFuture<Void> stop() {
        if (!finished.isDone()) {
            try {
                driver.execute(() -> end(STOPPED));
            } catch (RejectedExecutionException over) {
                // the warm-up has ended and is closing; finished follows
            }
        }
        return finished;
    }

    private void begin() {
        startNanos = System.nanoTime();
        blockNanos = startNanos;
        HookConfig hooks = nodeConfig.hooks();
        backendStarted = hooks.publishHookUrl() == null && hooks.connectHookUrl() == null
                ? CompletableFuture.completedFuture(null) : WarmUpBackend.start();
        started = backendStarted.thenApply(backend -> copyOf(nodeConfig, backend))
                .thenCompose(config -> ParleyServer.startAsync(config, Level.DEBUG));
        // the clients come once the copy is ready, as a node's do: its hook client's connections open
        started.thenCompose(copy -> copy.prepared().thenApply(ready -> copy))
                .thenComposeAsync(this::drive, driver)
                .orTimeout(LIMIT_SECONDS, TimeUnit.SECONDS)
                .whenCompleteAsync((done, failure) -> end(failure), driver);
    }

    /**
     * The private copy's settings: the node's transport, event loops, outbound limit and compression;
     * in memory, unlimited; the node's publish and connect hooks asking {@code backend} (null: none).
     */
    private static ServerConfig copyOf(ServerConfig node, WarmUpBackend backend) {
        return hooks(node.hooks(), backend, ServerConfig.builder()
                .with("--host", "127.0.0.1")
                .with("--port", 0)
                .with("--transport", node.transport())
                .with("--io-threads", node.eventLoops())
                .with("--max-outbound-bytes", node.maxOutboundBytes())
                .with("--compression", node.compression())
                .with("--rate-per-sec", UNLIMITED_RATE)
                .with("--burst", UNLIMITED_RATE)
                .with("--shutdown-grace-ms", 1_000)
                .with("--heartbeat-ms", PING_INTERVAL_MS)
                .with("--warm-up-messages", 0))
                .build();
    }

    /** {@code copy} with the node's publish and connect hooks, their settings the node's, their URLs {@code backend}'s. */
    private static ServerConfig.Builder hooks(HookConfig node, WarmUpBackend backend, ServerConfig.Builder copy) {
        if (backend == null) {
            return copy;
        }
        return copy.with("--hook-secret", node.hookSecret())
                .with("--publish-hook-url", node.publishHookUrl() == null ? null : backend.uri("/publish"))
                .with("--publish-hook-timeout-ms", node.publishHookTimeoutMs())
                .with("--publish-hook-failure", node.publishHookFailure())
                .with("--publish-hook-api", node.publishHookApi())
                .with("--connect-hook-url", node.connectHookUrl() == null ? null : backend.uri("/connect"))
                .with("--connect-hook-timeout-ms", node.connectHookTimeoutMs())
                .with("--hook-max-in-flight", node.hookMaxInFlight())
                .with("--hook-max-waiting", node.hookMaxWaiting());
    }

    /**
     * Connects the clients to {@code copy}, and short sessions one after another beside them;
     * completes when every client's sends are acknowledged and the last short session is over.
     */
    private CompletableFuture<Void> drive(ParleyServer copy) {
        if (ended) {
            return CompletableFuture.completedFuture(null);
        }
        clientLoop = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("parley-warm-up-client", true),
                NioIoHandler.newFactory());
        URI uri = copy.webSocketUri();
        int messages = nodeConfig.warmUpMessages();
        List<WarmUpClient> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(new WarmUpClient(nick(i), nick((i + 1) % CLIENTS), ROOMS,
                    messages / CLIENTS + (i < messages % CLIENTS ? 1 : 0), this::acked));
        }
        List<CompletableFuture<Void>> parts = Stream.concat(clients.stream().map(WarmUpClient::done),
                Stream.of(shortSessions(uri, messages / MESSAGES_PER_SHORT_SESSION))).toList();
        CompletableFuture<Void> done = CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new));
        // the first part to fail ends the warm-up, not the last to finish
        parts.forEach(part -> part.exceptionally(failure -> {
            done.completeExceptionally(failure);
            return null;
        }));
        for (int i = 0; i < CLIENTS; i++) {
            // half the clients with permessage-deflate, as browsers offer it, when the node negotiates it
            connect(uri, nodeConfig.compression() && i % 2 == 1, clients.get(i));
        }
        CompletableFuture.allOf(clients.stream().map(WarmUpClient::joined).toArray(CompletableFuture[]::new))
                .thenRun(() -> clients.forEach(WarmUpClient::start));
        return done;
    }

    /**
     * {@code count} sessions, each opened after the last closed, that log in, join the rooms
     * (the other clients told of each join and leave) and close: the handshake's and login's path.
     */
    private CompletableFuture<Void> shortSessions(URI uri, int count) {
        if (count == 0 || ended) {
            return CompletableFuture.completedFuture(null);
        }
        WarmUpClient session = new WarmUpClient(nick(CLIENTS + count), nick(0), ROOMS, 0, () -> { });
        session.joined().thenRun(session::start);
        Channel channel = connect(uri, false, session);
        return session.done().thenCompose(over -> completion(channel.close()))
                .thenComposeAsync(closed -> shortSessions(uri, count - 1), driver);
    }

    /** Opens a connection to {@code uri} for {@code client}; a failure to connect fails the client. */
    private Channel connect(URI uri, boolean compressed, WarmUpClient client) {
        ChannelFuture connecting = new Bootstrap().group(clientLoop).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(pipeline(uri, compressed, client))
                .connect(uri.getHost(), uri.getPort());
        connecting.addListener(connected -> {
            if (!connected.isSuccess()) {
                client.failed(connected.cause());
            }
        });
        return connecting.channel();
    }

    private static String nick(int client) {
        return "warm-up-" + client;
    }

    private static ChannelInitializer<SocketChannel> pipeline(URI uri, boolean compressed, WarmUpClient client) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel channel) {
                channel.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(8192));
                if (compressed) {
                    channel.pipeline().addLast(new WebSocketClientCompressionHandler(0));
                }
                channel.pipeline().addLast(new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig.newBuilder()
                        .webSocketUri(uri).subprotocol(ProtocolVersion.SUBPROTOCOL).allowExtensions(compressed)
                        .build()), client);
            }
        };
    }

    private synchronized void acked() {
        if (++acked % BLOCK == 0) {
            long now = System.nanoTime();
            LOG.debug("warm-up: messages {} to {} in {} ms", acked - BLOCK + 1, acked,
                    TimeUnit.NANOSECONDS.toMillis(now - blockNanos));
            blockNanos = now;
        }
    }

    /**
     * Ends the warm-up once (on the driver): says how it went, then closes the clients, then the copy
     * once it has started, then its hook backend once that has started.
     */
    private void end(Throwable failure) {
        if (ended) {
            return;
        }
        ended = true;
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        Throwable cause = failure instanceof CompletionException wrapped && wrapped.getCause() != null
                ? wrapped.getCause() : failure;
        if (cause == null) {
            LOG.info("warmed up in {} ms ({} messages)", ms, nodeConfig.warmUpMessages());
        } else if (cause == STOPPED) {
            LOG.debug("warm-up stopped after {} ms: the node stops", ms);
        } else {
            LOG.warn("warm-up failed after {} ms, the node is ready without it: {}", ms, cause.toString());
        }
        CompletableFuture<Void> clientsClosed = clientLoop == null ? CompletableFuture.completedFuture(null)
                : completion(clientLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS));
        clientsClosed.thenCompose(closed -> started)
                .thenCompose(ParleyServer::stop)
                .handle((stopped, notStarted) -> null)
                .thenCompose(copyClosed -> backendStarted)
                .thenCompose(this::close)
                .whenComplete((closed, notStarted) -> {
                    driver.shutdown();
                    finished.complete(null);
                });
    }

    /** Closes the copy's hook backend, if it has one, saying how many requests it answered. */
    private CompletableFuture<Void> close(WarmUpBackend backend) {
        if (backend == null) {
            return CompletableFuture.completedFuture(null);
        }
        LOG.debug("warm-up: the hook backend answered {} requests", backend.answered());
        return backend.close();
    }

    /** Completes when {@code future} does, whatever its outcome. */
    static CompletableFuture<Void> completion(io.netty.util.concurrent.Future<?> future) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        future.addListener(f -> done.complete(null));
        return done;
    }
}
