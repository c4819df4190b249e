package dev.parley.server;

import dev.parley.server.config.Settings;
import dev.parley.server.config.SecurityConfig;
import dev.parley.server.config.ServerConfig;
import dev.parley.protocol.ProtocolVersion;
import dev.parley.server.auth.Authenticator;
import dev.parley.server.auth.JwtAuthenticator;
import dev.parley.server.auth.ReloadingAuthenticator;
import dev.parley.server.auth.RemoteJwks;
import dev.parley.server.http.StaticFiles;
import dev.parley.server.hub.Hub;
import dev.parley.server.limits.AddressLimiter;
import dev.parley.server.limits.ClientAddresses;
import dev.parley.server.metrics.ServerMetrics;
import dev.parley.server.node.Backend;
import dev.parley.server.node.Hooks;
import dev.parley.server.node.Node;
import dev.parley.server.node.UserSessions;
import dev.parley.server.session.SessionSettings;
import dev.parley.server.store.Database;
import dev.parley.server.store.DatabaseUrl;
import dev.parley.server.transport.IoTransport;
import dev.parley.server.transport.ParleyChannelInitializer;
import dev.parley.server.transport.ServerContext;
import dev.parley.server.transport.StaggeredClose;
import dev.parley.server.transport.TlsContext;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running Parley server: one port for the browser client, {@code /healthz}, {@code /metrics}
 * and the WebSocket at {@code /ws}. {@link #start} binds and returns; {@link #stop} stops
 * gracefully: {@code /readyz} turns 503 at once while the server keeps serving for
 * {@code drainDelayMs}, so that a load balancer sends new clients elsewhere; then it stops
 * accepting, closes its clients with 1001 spread over the first half of {@code shutdownGraceMs}
 * (see {@link StaggeredClose}), waits for their close handshakes until the grace period is over,
 * and releases everything.
 *
 * <pre>{@code
 * try (ParleyServer server = ParleyServer.start(ServerConfig.builder().with("--port", 0).build())) {
 *     URI ws = server.webSocketUri();
 * }
 * }</pre>
 */
public final class ParleyServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ParleyServer.class);
    public static final String VERSION = versionOf(ParleyServer.class);
    /** How often the TLS files are checked for a new certificate. */
    private static final long TLS_WATCH_MS = 2_000;
    /** How often addresses with nothing open are forgotten by the per-address limits. */
    private static final long ADDRESS_SWEEP_SECONDS = 10;

    private final ServerConfig config;
    private final EventLoopGroup bossGroup;
    private final MultiThreadIoEventLoopGroup workerGroup;
    private final ChannelGroup connections = new DefaultChannelGroup("connections", GlobalEventExecutor.INSTANCE);
    private final Node node;
    private final ServerMetrics metrics;
    private final IoTransport io;
    /** The JWT keys, reloadable; null when auth is off. */
    private final ReloadingAuthenticator jwt;
    private final TlsContext tls;
    private final ClientAddresses clientAddresses;
    private final AddressLimiter addressLimiter;
    /** Reads the TLS files for changes, off the event loops; null without TLS. */
    private final ScheduledExecutorService tlsWatch;
    /** Set when a stop begins: not ready for new sessions from then on. */
    private final AtomicBoolean stopping = new AtomicBoolean();
    /** Set once the drain delay is over and sessions are being closed. */
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    /** The level of the start and stop lines: debug for {@link WarmUp}'s private copy. */
    private final Level announce;
    private final WarmUp warmUp;
    /** The hooks' client readied for their backends and the message path warmed: until then the node is not ready. */
    private final CompletableFuture<Void> prepared;
    private Channel serverChannel;

    private ParleyServer(ServerConfig config, ServerMetrics metrics, Backend backend, Level announce) {
        this.config = config;
        this.announce = announce;
        SecurityConfig security = config.security();
        this.tls = tls(security);
        this.jwt = jwt(security);
        this.clientAddresses = new ClientAddresses(security.trustedProxies());
        this.addressLimiter = new AddressLimiter(security.maxConnectionsPerAddress(),
                security.connectionsPerSecPerAddress(), System::nanoTime);
        this.io = IoTransport.of(config.transport());
        this.bossGroup = new MultiThreadIoEventLoopGroup(1, io.ioHandler());
        this.workerGroup = new MultiThreadIoEventLoopGroup(config.eventLoops(), io.ioHandler());
        this.metrics = metrics;
        this.node = new Node(backend, metrics, PooledByteBufAllocator.DEFAULT, System::currentTimeMillis,
                config.presenceLimit(), security.authEnabled() ? UserSessions.shared(config.maxSessionsPerUser())
                        : UserSessions.EXCLUSIVE, workerGroup.next(), Hooks.of(config.hooks(), System::currentTimeMillis,
                        metrics.registry(), config.maxTextChars(), backend.broker()));
        metrics.gaugeActiveRooms(node.hub()::activeRooms);
        this.warmUp = WarmUp.start(config);
        this.prepared = CompletableFuture.allOf(node.hooks().prepare(), warmUp.finished());
        if (addressLimiter.enabled()) {
            bossGroup.scheduleAtFixedRate(addressLimiter::sweep, ADDRESS_SWEEP_SECONDS, ADDRESS_SWEEP_SECONDS, TimeUnit.SECONDS);
        }
        this.tlsWatch = tls == null ? null
                : Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("parley-tls-watch", true));
        if (tlsWatch != null) {
            tlsWatch.scheduleWithFixedDelay(tls::reloadIfChanged, TLS_WATCH_MS, TLS_WATCH_MS, TimeUnit.MILLISECONDS);
        }
    }

    /** The JWT authenticator, its key files reloadable on SIGHUP, its JWKS URL fetched from now on; null without keys. */
    private static ReloadingAuthenticator jwt(SecurityConfig security) {
        if (!security.authEnabled()) {
            return null;
        }
        try {
            return new ReloadingAuthenticator(() -> JwtAuthenticator.keys(security.jwtHmacSecret(), security.jwtPublicKey(),
                    security.jwtJwks()), security.jwtIssuer(), security.jwtAudience(), security.jwtJwksUrl() == null ? null
                    : new RemoteJwks(URI.create(security.jwtJwksUrl()), RemoteJwks.REFRESH_EVERY, RemoteJwks.MIN_ON_DEMAND,
                    System::nanoTime));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read a JWT key file", e);
        }
    }

    private static TlsContext tls(SecurityConfig security) {
        if (!security.tlsEnabled()) {
            return null;
        }
        try {
            return TlsContext.load(security.tlsCert(), security.tlsKey());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the TLS certificate " + security.tlsCert()
                    + " and key " + security.tlsKey(), e);
        }
    }

    /** Starts a server and waits until it listens. Not for event-loop threads. */
    public static ParleyServer start(ServerConfig config) {
        return startAsync(config).join();
    }

    /** Starts a server; completes once it listens, or fails when it cannot bind or reach its Redis. */
    public static CompletableFuture<ParleyServer> startAsync(ServerConfig config) {
        return startAsync(config, Level.INFO);
    }

    /** As {@link #startAsync(ServerConfig)}, its start and stop said at {@code announce}. */
    static CompletableFuture<ParleyServer> startAsync(ServerConfig config, Level announce) {
        ServerMetrics metrics = new ServerMetrics();
        Database.Settings database = config.databaseUrl() == null ? null : new Database.Settings(
                DatabaseUrl.parse(config.databaseUrl()), config.databasePoolSize(), config.databaseTimeoutMs(),
                config.hooks().postedTypes());
        Backend.Settings backendSettings = new Backend.Settings(config.redisUri(), config.redisCluster(), config.historySize(),
                config.redisTimeoutMs(), config.redisCheckMs(), TimeUnit.SECONDS.toMillis(config.redisRoomTtlS()),
                config.presenceTtlMs(), config.presenceRefreshMs(), database,
                TimeUnit.DAYS.toMillis(config.historyRetentionDays()), config.historyMaxEvents(),
                config.security().authEnabled());
        return Backend.open(backendSettings, System::currentTimeMillis, metrics.registry()).whenComplete((backend, failure) -> {
            if (failure != null) {
                metrics.close();
            }
        }).thenCompose(opened -> {
            ParleyServer server = new ParleyServer(config, metrics, opened, announce);
            return server.bind().whenComplete((bound, failure) -> {
                if (failure != null) {
                    server.release();
                }
            });
        });
    }

    private CompletableFuture<ParleyServer> bind() {
        SessionSettings settings = new SessionSettings(config.limits(), config.heartbeatMs(), config.idleTimeoutMs(),
                config.historyOnJoin(), "parley/" + VERSION, config.keepPresenceOnStop(), config.maxOutboundBytes());
        ServerContext context = new ServerContext(config, node, metrics, settings, connections, closing::get,
                prepared::isDone, node::reachable, stopping::get, jwt == null ? Authenticator.OPEN : jwt, tls, clientAddresses,
                addressLimiter);
        StaticFiles files = StaticFiles.load(ParleyServer.class.getClassLoader());
        ParleyChannelInitializer initializer = new ParleyChannelInitializer(context, files);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(io.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                // one for all connections: it keeps only settings, each channel its own handle
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator())
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(config.maxOutboundBytes(), config.maxOutboundBytes()))
                .childHandler(initializer);
        CompletableFuture<ParleyServer> bound = new CompletableFuture<>();
        bootstrap.bind(config.host(), config.port()).addListener((ChannelFutureListener) future -> {
            if (!future.isSuccess()) {
                bound.completeExceptionally(future.cause());
                return;
            }
            serverChannel = future.channel();
            LOG.atLevel(announce).log("Parley {} listening on {} ({}, event loops {}): heartbeat {} ms, idle timeout {} ms, hello timeout {} ms, "
                            + "max frame {} B, max text {} chars, max rooms {}, presence limit {}, rate {}/s burst {}, history {} "
                            + "(on join {}), max outbound {} B, compression {}, origins {}, shutdown grace {} ms, "
                            + "drain delay {} ms, {}; auth {}, TLS {}, per address {} open {}/s, trusted proxies {}, server API {}",
                    VERSION, address(), io.name(), workerGroup.executorCount(), config.heartbeatMs(), config.idleTimeoutMs(),
                    config.helloTimeoutMs(), config.maxFrameBytes(), config.maxTextChars(), config.maxRooms(),
                    config.presenceLimit(), config.ratePerSec(), config.burst(), config.historySize(), config.historyOnJoin(),
                    config.maxOutboundBytes(), config.compression() ? "on" : "off",
                    config.allowedOrigins().isEmpty() ? "any" : config.allowedOrigins(), config.shutdownGraceMs(),
                    config.drainDelayMs(), mode(),
                    config.security().authEnabled() ? "JWT" : "off", tls == null ? "off" : tls.provider(),
                    limit(config.security().maxConnectionsPerAddress()),
                    limit(config.security().connectionsPerSecPerAddress()),
                    config.security().trustedProxies().isEmpty() ? "none" : config.security().trustedProxies(),
                    config.security().apiKey() == null ? "off" : "on");
            bound.complete(this);
        });
        return bound;
    }

    /** Where this node keeps its rooms, for the start-up line. */
    private String mode() {
        String where = config.redisUri() == null ? "alone" : "clustered on Redis";
        return where + (config.databaseUrl() == null ? config.redisUri() == null ? " in memory" : "" : ", history in the database");
    }

    private static Object limit(int limit) {
        return limit == 0 ? "any" : limit;
    }

    /** The address the server listens on. */
    public InetSocketAddress address() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** {@code ws://host:port/ws} ({@code wss} with TLS), with a loopback host when listening on every address. */
    public URI webSocketUri() {
        return uri(tls == null ? "ws" : "wss", ProtocolVersion.WEBSOCKET_PATH);
    }

    /** {@code http://host:port/} ({@code https} with TLS). */
    public URI httpUri() {
        return uri(tls == null ? "http" : "https", "/");
    }

    /**
     * Reads the TLS certificate and key and the JWT keys again (on SIGHUP): new connections and
     * later tokens get the new ones, open sessions carry on. Returns whether everything configured
     * was reloaded; a part that fails keeps its current files. Blocks on file I/O.
     */
    public boolean reload() {
        boolean tlsReloaded = tls == null || tls.reload();
        boolean keysReloaded = jwt == null || jwt.reload();
        return tlsReloaded && keysReloaded;
    }

    private URI uri(String scheme, String path) {
        InetSocketAddress address = address();
        String host = address.getAddress().isAnyLocalAddress() ? "127.0.0.1" : address.getHostString();
        return URI.create(scheme + "://" + host + ":" + address.getPort() + path);
    }

    /** The transport in use: {@code epoll}, {@code io_uring} or {@code nio}. */
    public String transport() {
        return io.name();
    }

    /** The node, for tests and embedding applications that query rooms and members. */
    public Node node() {
        return node;
    }

    /** The node's registry of local members and rooms, for tests and embedding applications that inspect it. */
    public Hub hub() {
        return node.hub();
    }

    public ServerMetrics metrics() {
        return metrics;
    }

    /** Stops gracefully; the first call starts the stop, every call returns its completion. */
    public CompletableFuture<Void> stop() {
        if (!stopping.compareAndSet(false, true)) {
            return stopped;
        }
        LOG.atLevel(announce).log("stopping: not ready for new sessions; closing sessions in {} ms", config.drainDelayMs());
        warmUp.stop();
        GlobalEventExecutor.INSTANCE.schedule(this::closeConnections, config.drainDelayMs(), TimeUnit.MILLISECONDS);
        return stopped;
    }

    private void closeConnections() {
        closing.set(true);
        if (serverChannel != null) {
            serverChannel.close();
        }
        StaggeredClose staggered = StaggeredClose.start(new ArrayList<>(connections), config.shutdownGraceMs() / 2,
                GlobalEventExecutor.INSTANCE);
        LOG.atLevel(announce).log("closing {} connection(s), WebSockets with 1001, over {} ms", connections.size(), staggered.windowMs());
        CompletableFuture<Void> drained = new CompletableFuture<>();
        connections.newCloseFuture().addListener(all -> drained.complete(null));
        GlobalEventExecutor.INSTANCE.schedule(() -> drained.complete(null), config.shutdownGraceMs(), TimeUnit.MILLISECONDS);
        drained.thenRun(() -> {
            staggered.cancel();
            // The sessions' departures run on from their close; the broker must see them through.
            connections.close().addListener(closed -> node.departed()
                    .completeOnTimeout(null, config.shutdownGraceMs(), TimeUnit.MILLISECONDS)
                    .whenComplete((done, failure) -> release()));
        });
    }

    /** Completes once the hooks' client is readied and the warm-up over: from then on {@code /readyz} says 200 until a stop. */
    CompletableFuture<Void> prepared() {
        return prepared;
    }

    /** The worker event loops, for tests that look for timers left behind. */
    EventLoopGroup workers() {
        return workerGroup;
    }

    /** When the server has stopped. */
    public CompletableFuture<Void> stopped() {
        return stopped;
    }

    private void release() {
        if (tlsWatch != null) {
            tlsWatch.shutdownNow();
        }
        if (jwt != null) {
            jwt.close();
        }
        // stopped means the warm-up's copy and clients are closed too
        warmUp.stop().thenCompose(over -> node.close()).whenComplete((released, failure) ->
                workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).addListener(workers ->
                bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).addListener(boss -> {
                    metrics.close();
                    LOG.atLevel(announce).log("stopped");
                    stopped.complete(null);
                })));
    }

    /** Stops gracefully and waits. Not for event-loop threads. */
    @Override
    public void close() {
        stop().join();
    }

    private static String versionOf(Class<?> type) {
        String version = type.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
