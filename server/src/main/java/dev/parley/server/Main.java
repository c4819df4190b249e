package dev.parley.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code java -jar parley-server.jar [options]}: runs a server until SIGTERM or SIGINT, then stops
 * gracefully and exits 0. Every option falls back to an environment variable
 * ({@code --port} to {@code PARLEY_PORT}, and so on); a bad value exits 2 with a one-line error.
 */
@Command(name = "parley-server", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Parley: a real-time WebSocket chat server. Serves the browser client at /, "
                + "the WebSocket at /ws, /healthz, /metrics and, with --api-key, the server API under /api/ "
                + "on one port.%n"
                + "Every option can also be set by the environment variable named after it.")
public final class Main implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    @Spec
    CommandSpec spec;

    @Option(names = "--host", defaultValue = "${env:PARLEY_HOST:-0.0.0.0}", paramLabel = "ADDRESS",
            description = "Address to listen on (PARLEY_HOST). Default: ${DEFAULT-VALUE}")
    String host;

    @Option(names = "--port", defaultValue = "${env:PARLEY_PORT:-8080}", paramLabel = "PORT",
            description = "Port to listen on, 0 for any free one (PARLEY_PORT). Default: ${DEFAULT-VALUE}")
    int port;

    @Option(names = "--transport", defaultValue = "${env:PARLEY_TRANSPORT:-auto}", paramLabel = "auto|epoll|nio",
            converter = TransportConverter.class,
            description = "Socket transport; auto takes epoll where it loads (PARLEY_TRANSPORT). Default: ${DEFAULT-VALUE}")
    ServerConfig.TransportType transport;

    @Option(names = "--io-threads", defaultValue = "${env:PARLEY_IO_THREADS:-0}", paramLabel = "N",
            description = "Worker event loops, 0 for twice the cores (PARLEY_IO_THREADS). Default: ${DEFAULT-VALUE}")
    int ioThreads;

    @Option(names = "--heartbeat-ms", defaultValue = "${env:PARLEY_HEARTBEAT_MS:-25000}", paramLabel = "MS",
            description = "Interval of the server's WebSocket pings (PARLEY_HEARTBEAT_MS). Default: ${DEFAULT-VALUE}")
    long heartbeatMs;

    @Option(names = "--idle-timeout-ms", defaultValue = "${env:PARLEY_IDLE_TIMEOUT_MS:-60000}", paramLabel = "MS",
            description = "Close a silent client with 4000 after this long (PARLEY_IDLE_TIMEOUT_MS). Default: ${DEFAULT-VALUE}")
    long idleTimeoutMs;

    @Option(names = "--hello-timeout-ms", defaultValue = "${env:PARLEY_HELLO_TIMEOUT_MS:-10000}", paramLabel = "MS",
            description = "Close a client that has not said hello with 4008 after this long "
                    + "(PARLEY_HELLO_TIMEOUT_MS). Default: ${DEFAULT-VALUE}")
    long helloTimeoutMs;

    @Option(names = "--max-frame-bytes", defaultValue = "${env:PARLEY_MAX_FRAME_BYTES:-65536}", paramLabel = "BYTES",
            description = "Largest message, reassembled and inflated; larger ones close with 1009 "
                    + "(PARLEY_MAX_FRAME_BYTES). Default: ${DEFAULT-VALUE}")
    int maxFrameBytes;

    @Option(names = "--max-text-chars", defaultValue = "${env:PARLEY_MAX_TEXT_CHARS:-4000}", paramLabel = "N",
            description = "Longest message text (PARLEY_MAX_TEXT_CHARS). Default: ${DEFAULT-VALUE}")
    int maxTextChars;

    @Option(names = "--max-rooms", defaultValue = "${env:PARLEY_MAX_ROOMS:-50}", paramLabel = "N",
            description = "Rooms one session may be in (PARLEY_MAX_ROOMS). Default: ${DEFAULT-VALUE}")
    int maxRooms;

    @Option(names = "--rate-per-sec", defaultValue = "${env:PARLEY_RATE_PER_SEC:-20}", paramLabel = "N",
            description = "Sustained send, dm and typing commands per second and session "
                    + "(PARLEY_RATE_PER_SEC). Default: ${DEFAULT-VALUE}")
    int ratePerSec;

    @Option(names = "--burst", defaultValue = "${env:PARLEY_BURST:-40}", paramLabel = "N",
            description = "Rate-limit burst; more rejections in a row close with 1008 (PARLEY_BURST). Default: ${DEFAULT-VALUE}")
    int burst;

    @Option(names = "--history-size", defaultValue = "${env:PARLEY_HISTORY_SIZE:-100}", paramLabel = "N",
            description = "Messages kept per room (PARLEY_HISTORY_SIZE). Default: ${DEFAULT-VALUE}")
    int historySize;

    @Option(names = "--history-on-join", defaultValue = "${env:PARLEY_HISTORY_ON_JOIN:-20}", paramLabel = "N",
            description = "Latest messages sent with joined when nothing is recovered "
                    + "(PARLEY_HISTORY_ON_JOIN). Default: ${DEFAULT-VALUE}")
    int historyOnJoin;

    @Option(names = "--max-outbound-bytes", defaultValue = "${env:PARLEY_MAX_OUTBOUND_BYTES:-1048576}", paramLabel = "BYTES",
            description = "Unsent bytes past which a client is closed with 4001 (PARLEY_MAX_OUTBOUND_BYTES). "
                    + "Default: ${DEFAULT-VALUE}")
    int maxOutboundBytes;

    @Option(names = "--shutdown-grace-ms", defaultValue = "${env:PARLEY_SHUTDOWN_GRACE_MS:-5000}", paramLabel = "MS",
            description = "On SIGTERM, how long to wait for clients to close (PARLEY_SHUTDOWN_GRACE_MS). "
                    + "Default: ${DEFAULT-VALUE}")
    long shutdownGraceMs;

    @Option(names = "--drain-delay-ms", defaultValue = "${env:PARLEY_DRAIN_DELAY_MS:-0}", paramLabel = "MS",
            description = "On SIGTERM, how long to keep serving with /readyz at 503 before closing sessions, so a "
                    + "load balancer sends no new ones (PARLEY_DRAIN_DELAY_MS). Default: ${DEFAULT-VALUE}")
    long drainDelayMs;

    @Option(names = "--compression", defaultValue = "${env:PARLEY_COMPRESSION:-true}", arity = "1", paramLabel = "true|false",
            description = "Negotiate permessage-deflate when offered (PARLEY_COMPRESSION). Default: ${DEFAULT-VALUE}")
    boolean compression;

    @Option(names = "--allowed-origins", defaultValue = "${env:PARLEY_ALLOWED_ORIGINS:-}", split = ",", paramLabel = "ORIGIN",
            description = "Comma-separated origins allowed to open a WebSocket; empty allows any "
                    + "(PARLEY_ALLOWED_ORIGINS). Default: any")
    List<String> allowedOrigins;

    @Option(names = "--redis-uri", defaultValue = "${env:PARLEY_REDIS_URI:-}", paramLabel = "URI",
            description = "Redis that nodes share to form a cluster, redis://[:password@]host:port[/db] or rediss://...; "
                    + "empty runs alone in memory (PARLEY_REDIS_URI). Default: none")
    String redisUri;

    @Option(names = "--redis-timeout-ms", defaultValue = "${env:PARLEY_REDIS_TIMEOUT_MS:-2000}", paramLabel = "MS",
            description = "Longest wait for Redis before a command fails with unavailable "
                    + "(PARLEY_REDIS_TIMEOUT_MS). Default: ${DEFAULT-VALUE}")
    long redisTimeoutMs;

    @Option(names = "--redis-check-ms", defaultValue = "${env:PARLEY_REDIS_CHECK_MS:-2000}", paramLabel = "MS",
            description = "Interval of the check of each room's latest offset against Redis, which catches a lost "
                    + "last message (PARLEY_REDIS_CHECK_MS). Default: ${DEFAULT-VALUE}")
    long redisCheckMs;

    @Option(names = "--presence-ttl-ms", defaultValue = "${env:PARLEY_PRESENCE_TTL_MS:-40000}", paramLabel = "MS",
            description = "With Redis: how long nick claims and room memberships live unless their node refreshes them; "
                    + "a dead node's members leave within this plus the refresh interval (PARLEY_PRESENCE_TTL_MS). "
                    + "Default: ${DEFAULT-VALUE}")
    long presenceTtlMs;

    @Option(names = "--presence-refresh-ms", defaultValue = "${env:PARLEY_PRESENCE_REFRESH_MS:-10000}", paramLabel = "MS",
            description = "With Redis: interval at which a node refreshes its claims and memberships and removes "
                    + "expired ones (PARLEY_PRESENCE_REFRESH_MS). Default: ${DEFAULT-VALUE}")
    long presenceRefreshMs;

    @Option(names = "--presence-limit", defaultValue = "${env:PARLEY_PRESENCE_LIMIT:-1000}", paramLabel = "N",
            description = "Members past which a room sends occupancy counts instead of each join and leave "
                    + "(PARLEY_PRESENCE_LIMIT). Default: ${DEFAULT-VALUE}")
    int presenceLimit;

    @Option(names = "--keep-presence-on-stop", defaultValue = "${env:PARLEY_KEEP_PRESENCE_ON_STOP:-false}", arity = "1",
            paramLabel = "true|false",
            description = "With Redis: on a graceful stop, leave this node's members in their rooms until they resume "
                    + "elsewhere or expire, instead of announcing each leave (PARLEY_KEEP_PRESENCE_ON_STOP). "
                    + "Default: ${DEFAULT-VALUE}")
    boolean keepPresenceOnStop;

    @Option(names = "--handshake-timeout-ms", defaultValue = "${env:PARLEY_HANDSHAKE_TIMEOUT_MS:-10000}", paramLabel = "MS",
            description = "Time from accepting a connection to a complete TLS and WebSocket handshake, however slowly "
                    + "the request arrives; also the idle limit between HTTP requests (PARLEY_HANDSHAKE_TIMEOUT_MS). "
                    + "Default: ${DEFAULT-VALUE}")
    long handshakeTimeoutMs;

    @Option(names = "--jwt-hmac-secret", defaultValue = "${env:PARLEY_JWT_HMAC_SECRET:-}", paramLabel = "SECRET",
            description = "HS256 secret (at least 32 bytes); turns auth on (PARLEY_JWT_HMAC_SECRET)")
    String jwtHmacSecret;

    @Option(names = "--jwt-public-key", defaultValue = "${env:PARLEY_JWT_PUBLIC_KEY:-}", paramLabel = "FILE",
            description = "PEM file with an RS256 or ES256 public key or certificate; turns auth on (PARLEY_JWT_PUBLIC_KEY)")
    String jwtPublicKey;

    @Option(names = "--jwt-jwks", defaultValue = "${env:PARLEY_JWT_JWKS:-}", paramLabel = "FILE",
            description = "JWKS file; the token's kid picks the key; turns auth on; JWT key files are read "
                    + "again on SIGHUP (PARLEY_JWT_JWKS)")
    String jwtJwks;

    @Option(names = "--jwt-issuer", defaultValue = "${env:PARLEY_JWT_ISSUER:-}", paramLabel = "ISS",
            description = "Required iss claim (PARLEY_JWT_ISSUER). Default: any")
    String jwtIssuer;

    @Option(names = "--jwt-audience", defaultValue = "${env:PARLEY_JWT_AUDIENCE:-}", paramLabel = "AUD",
            description = "Required aud claim (PARLEY_JWT_AUDIENCE). Default: any")
    String jwtAudience;

    @Option(names = "--tls-cert", defaultValue = "${env:PARLEY_TLS_CERT:-}", paramLabel = "FILE",
            description = "PEM certificate chain; with --tls-key the port serves https and wss only; "
                    + "reloaded on SIGHUP or when the file changes (PARLEY_TLS_CERT)")
    String tlsCert;

    @Option(names = "--tls-key", defaultValue = "${env:PARLEY_TLS_KEY:-}", paramLabel = "FILE",
            description = "PEM PKCS#8 private key of --tls-cert (PARLEY_TLS_KEY)")
    String tlsKey;

    @Option(names = "--max-connections-per-address", defaultValue = "${env:PARLEY_MAX_CONNECTIONS_PER_ADDRESS:-0}",
            paramLabel = "N", description = "Open connections one client address may hold, more get 429; 0: no limit "
                    + "(PARLEY_MAX_CONNECTIONS_PER_ADDRESS). Default: ${DEFAULT-VALUE}")
    int maxConnectionsPerAddress;

    @Option(names = "--connections-per-sec-per-address", defaultValue = "${env:PARLEY_CONNECTIONS_PER_SEC_PER_ADDRESS:-0}",
            paramLabel = "N", description = "New connections one client address may open a second, more get 429; "
                    + "0: no limit (PARLEY_CONNECTIONS_PER_SEC_PER_ADDRESS). Default: ${DEFAULT-VALUE}")
    int connectionsPerSecPerAddress;

    @Option(names = "--trust-proxy", defaultValue = "${env:PARLEY_TRUST_PROXY:-}", split = ",", paramLabel = "CIDR",
            description = "Comma-separated proxies (CIDR blocks) whose X-Forwarded-For and PROXY protocol headers "
                    + "give the client address (PARLEY_TRUST_PROXY). Default: none")
    List<String> trustProxy;

    @Option(names = "--api-key", defaultValue = "${env:PARLEY_API_KEY:-}", paramLabel = "KEY",
            description = "Bearer key of the server API under /api/ (at least 16 characters); "
                    + "without it the API is off (PARLEY_API_KEY)")
    String apiKey;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line, with one-line errors for bad options. */
    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setParameterExceptionHandler((e, args) -> {
            e.getCommandLine().getErr().println("parley-server: " + e.getMessage() + " (see --help)");
            return CommandLine.ExitCode.USAGE;
        });
        return commandLine;
    }

    @Override
    public Integer call() {
        ServerConfig config = config();
        ParleyServer server;
        try {
            server = ParleyServer.start(config);
        } catch (UncheckedIOException | IllegalArgumentException e) {
            LOG.error("{}", e.getCause() == null ? e.getMessage() : e.getMessage() + ": " + e.getCause());
            return 1;
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            LOG.error("cannot listen on {}:{} with transport {}{}: {}", config.host(), config.port(),
                    config.transport().name().toLowerCase(Locale.ROOT),
                    config.redisUri() == null ? "" : ", or cannot reach Redis", cause.toString());
            return 1;
        }
        for (String signal : List.of("TERM", "INT")) {
            Signal.handle(new Signal(signal), received -> server.stop());
        }
        if (config.security().tlsEnabled() || config.security().authEnabled()) {
            Signal.handle(new Signal("HUP"), received -> server.reload());
        }
        server.stopped().join();
        return CommandLine.ExitCode.OK;
    }

    /** The configuration the parsed options (and their environment variables) describe. */
    ServerConfig config() {
        try {
            return ServerConfig.builder()
                    .host(host).port(port).transport(transport).ioThreads(ioThreads)
                    .heartbeatMs(heartbeatMs).idleTimeoutMs(idleTimeoutMs).helloTimeoutMs(helloTimeoutMs)
                    .maxFrameBytes(maxFrameBytes).maxTextChars(maxTextChars).maxRooms(maxRooms)
                    .ratePerSec(ratePerSec).burst(burst)
                    .historySize(historySize).historyOnJoin(historyOnJoin)
                    .maxOutboundBytes(maxOutboundBytes).shutdownGraceMs(shutdownGraceMs)
                    .drainDelayMs(drainDelayMs)
                    .compression(compression)
                    .allowedOrigins(allowedOrigins.stream().map(String::trim).filter(o -> !o.isEmpty()).toList())
                    .redisUri(redisUri).redisTimeoutMs(redisTimeoutMs).redisCheckMs(redisCheckMs)
                    .presenceTtlMs(presenceTtlMs).presenceRefreshMs(presenceRefreshMs)
                    .presenceLimit(presenceLimit).keepPresenceOnStop(keepPresenceOnStop)
                    .handshakeTimeoutMs(handshakeTimeoutMs)
                    .security(SecurityConfig.builder()
                            .jwtHmacSecret(blankToNull(jwtHmacSecret))
                            .jwtPublicKey(path(jwtPublicKey)).jwtJwks(path(jwtJwks))
                            .jwtIssuer(blankToNull(jwtIssuer)).jwtAudience(blankToNull(jwtAudience))
                            .tls(path(tlsCert), path(tlsKey))
                            .maxConnectionsPerAddress(maxConnectionsPerAddress)
                            .connectionsPerSecPerAddress(connectionsPerSecPerAddress)
                            .trustedProxies(trustProxy.stream().map(String::trim).filter(c -> !c.isEmpty()).toList())
                            .apiKey(blankToNull(apiKey))
                            .build())
                    .build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static Path path(String value) {
        return value == null || value.isBlank() ? null : Path.of(value);
    }

    /** Accepts the transport in any case. */
    static final class TransportConverter implements CommandLine.ITypeConverter<ServerConfig.TransportType> {
        @Override
        public ServerConfig.TransportType convert(String value) {
            try {
                return ServerConfig.TransportType.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not one of auto, epoll, nio");
            }
        }
    }

    /** {@code --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"parley-server " + ParleyServer.VERSION};
        }
    }
}
