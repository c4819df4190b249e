package dev.parley.server.config;

import dev.parley.protocol.Limits;
import dev.parley.server.store.DatabaseUrl;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything a server is started with, each setting declared once: its {@link Setting} is the
 * option {@code --help} lists, its environment variable, default and range. Immutable; build one
 * with {@code ServerConfig.builder().with("--port", 0).build()}, as the command line would.
 */
public record ServerConfig(
        @Setting(label = "ADDRESS", value = "0.0.0.0", help = "Address to listen on")
        String host,
        @Setting(label = "PORT", value = "8080", min = 0, max = 65535, help = "Port to listen on, 0 for any free one")
        int port,
        @Setting(value = "auto", help = "Socket transport; auto takes epoll where it loads, io_uring only when asked")
        TransportType transport,
        @Setting(value = "0", min = 0, max = 1024, help = "Worker event loops, 0 for half the cores (at least one)")
        int ioThreads,
        @Setting(value = "25000", min = 1, help = "Interval of the server's WebSocket pings")
        long heartbeatMs,
        @Setting(value = "60000", min = 1, help = "Close a silent client with 4000 after this long")
        long idleTimeoutMs,
        @Setting(value = "10000", min = 1, help = "Close a client that has not said hello with 4008 after this long")
        long helloTimeoutMs,
        @Setting(value = "65536", min = 128, max = 16 << 20,
                help = "Largest message, reassembled and inflated; larger ones close with 1009")
        int maxFrameBytes,
        @Setting(value = "4000", min = 1, help = "Longest message text")
        int maxTextChars,
        @Setting(value = "50", min = 1, max = 100_000, help = "Rooms one session may be in")
        int maxRooms,
        @Setting(value = "10", min = 1, max = 1000,
                help = "With auth: sessions one user (a token's subject) may hold at once; one more gets "
                        + "too_many_sessions. Without auth a nick has one session")
        int maxSessionsPerUser,
        @Setting(value = "20", min = 1, max = 1_000_000,
                help = "Sustained send, dm and typing commands per second and session")
        int ratePerSec,
        @Setting(value = "40", min = 1, max = 1_000_000,
                help = "Rate-limit burst; more rejections in a row close with 1008")
        int burst,
        @Setting(value = "100", min = 0, max = 1_000_000, help = "Messages kept per room; with a database, of each watched room for reads while the database cannot answer")
        int historySize,
        @Setting(value = "20", min = 0, max = 1_000_000,
                help = "Latest messages sent with joined when nothing is recovered")
        int historyOnJoin,
        @Setting(value = "1000", min = 0, max = 1_000_000,
                help = "Most room events a join with since recovers; past it joined says how many were missed")
        int recoverMax,
        @Setting(value = "1048576", min = 1024, help = "Unsent bytes past which a client is closed with 4001")
        int maxOutboundBytes,
        @Setting(value = "5000", min = 0, help = "On SIGTERM, how long to wait for clients to close")
        long shutdownGraceMs,
        @Setting(value = "0", min = 0,
                help = "On SIGTERM, how long to keep serving with /readyz at 503 before closing sessions, so a load "
                        + "balancer sends no new ones")
        long drainDelayMs,
        @Setting(value = "10000", min = 0, max = 10_000_000,
                help = "Messages a private in-memory copy of the node sends itself over loopback at start, before /readyz "
                        + "turns 200, so that the JIT has compiled the message path; 0 skips it")
        int warmUpMessages,
        @Setting(value = "true", help = "Negotiate permessage-deflate when offered")
        boolean compression,
        @Setting(label = "ORIGIN", whenUnset = "any",
                help = "Comma-separated origins allowed to open a WebSocket; empty allows any")
        List<String> allowedOrigins,
        @Setting(label = "URI", whenUnset = "none",
                help = "Redis that nodes share to form a cluster, redis://[:password@]host:port[/db] or "
                        + "rediss://... (with --redis-cluster, comma-separated seeds); empty runs alone in memory")
        String redisUri,
        @Setting(value = "false",
                help = "With Redis: --redis-uri is a Redis Cluster, given by one or several comma-separated seed URIs; "
                        + "room channels use sharded publish/subscribe (Redis 7)")
        boolean redisCluster,
        @Setting(value = "2000", min = 1, help = "Longest wait for Redis before a command fails with unavailable")
        long redisTimeoutMs,
        @Setting(value = "2000", min = 1,
                help = "Interval of the check of each watched room's latest offset against Redis (or the database, "
                        + "with one), which catches a lost last message")
        long redisCheckMs,
        @Setting(value = "2592000", min = 0,
                help = "With Redis and no database: a room's keys expire this long after its last write, so that "
                        + "Redis keeps only rooms in use (an expired room starts over under a new epoch); 0 keeps them")
        long redisRoomTtlS,
        @Setting(value = "40000",
                help = "With Redis: how long a node counts as alive after its last heartbeat, which keeps all its nick "
                        + "claims and room memberships; a dead node's members leave within this plus the refresh interval")
        long presenceTtlMs,
        @Setting(value = "10000", min = 1,
                help = "With Redis: interval at which a node renews its heartbeat and cleans up after dead nodes")
        long presenceRefreshMs,
        @Setting(value = "1000", min = 1, max = 1_000_000,
                help = "Members past which a room sends occupancy counts instead of each join and leave")
        int presenceLimit,
        @Setting(value = "false",
                help = "With Redis: on a graceful stop, leave this node's members in their rooms until they resume "
                        + "elsewhere or expire, instead of announcing each leave")
        boolean keepPresenceOnStop,
        @Setting(label = "URL", whenUnset = "none",
                help = "PostgreSQL that keeps every room event (durable history and search), "
                        + "postgresql://user:password@host:port/db[?sslmode=...] or jdbc:postgresql://...; empty keeps "
                        + "history in memory or Redis")
        String databaseUrl,
        @Setting(value = "8", min = 4, max = 1000,
                help = "Database connections of this node: one writes room events, one direct messages, one checks "
                        + "and cleans up, the rest read")
        int databasePoolSize,
        @Setting(value = "2000", min = 1,
                help = "Longest a send or read waits for the database before it fails with unavailable")
        long databaseTimeoutMs,
        @Setting(value = "0", min = 0, max = 1_000_000,
                help = "With a database: delete room events older than this many days; 0 keeps them forever")
        int historyRetentionDays,
        @Setting(value = "0", min = 0,
                help = "With a database: delete a room's oldest events past this many; 0 keeps any number")
        long historyMaxEvents,
        @Setting(value = "10000", min = 1,
                help = "Time from accepting a connection to a complete TLS and WebSocket handshake, however slowly "
                        + "the request arrives; also the idle limit between HTTP requests")
        long handshakeTimeoutMs,
        @Setting(value = "5000", min = 1, hidden = true, help = "Time a client has to answer the server's close frame")
        long closeTimeoutMs,
        SecurityConfig security,
        HookConfig hooks) {

    /** Which Netty transport carries the sockets. */
    public enum TransportType { AUTO, EPOLL, IO_URING, NIO }

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(transport, "transport");
        allowedOrigins = List.copyOf(allowedOrigins);
        Objects.requireNonNull(security, "security");
        Objects.requireNonNull(hooks, "hooks");
        Settings.requireRange("maxTextChars", maxTextChars, 1, maxFrameBytes);
        if (redisUri != null && !redisUri.matches("rediss?://.+")) {
            // The value is not repeated: it may hold a password.
            throw new IllegalArgumentException("redisUri must be redis://host:port[/db] or rediss://...");
        }
        if (redisUri != null && !redisCluster && redisUri.contains(",")) {
            throw new IllegalArgumentException("several Redis URIs are the seeds of a Redis Cluster: set redisCluster");
        }
        if (databaseUrl != null) {
            DatabaseUrl.parse(databaseUrl);
        }
        if (presenceTtlMs <= presenceRefreshMs) {
            throw new IllegalArgumentException("presenceTtlMs must be longer than presenceRefreshMs, not " + presenceTtlMs);
        }
    }

    /**
     * The worker event loops: {@code --io-threads}, or half the cores, at least one. Measured on two
     * cores shared with the clients (docs/benchmarks.md, "Moderate load, decided"): one loop gave the
     * lowest p99 at 50,000 deliveries/s and 2.2–3.4 times the peak rate of four; most of a delivery's
     * CPU is the kernel's, on the loop's thread, and loops beyond the cores only take turns.
     */
    public int eventLoops() {
        return ioThreads > 0 ? ioThreads : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    /** The limits announced in {@code welcome}. */
    public Limits limits() {
        return new Limits(maxFrameBytes, maxTextChars, maxRooms, ratePerSec, burst, presenceLimit, recoverMax,
                security.authEnabled() ? maxSessionsPerUser : 1);
    }

    /** A builder from the documented defaults (the environment plays no part). */
    public static Builder builder() {
        return new Builder(List.of());
    }

    /** A builder from this configuration's settings. */
    public Builder toBuilder() {
        return new Builder(Settings.arguments(this));
    }

    /**
     * Builds a {@link ServerConfig} from options as {@code --help} lists them, checked as on the
     * command line: {@code ServerConfig.builder().with("--port", 0).with("--trust-proxy", List.of("10.0.0.0/8"))}.
     */
    public static final class Builder {
        private final List<String> args;

        private Builder(List<String> args) {
            this.args = new ArrayList<>(args);
        }

        /**
         * Sets {@code option} ({@code --port}; a later one wins) to {@code value}, written as its
         * {@code toString()}, a list joined by commas, null as empty: none.
         */
        public Builder with(String option, Object value) {
            args.add(Settings.argument(option, value));
            return this;
        }

        /** The configuration; an unknown option or a bad value throws IllegalArgumentException. */
        public ServerConfig build() {
            return Settings.parse(ServerConfig.class, args);
        }
    }
}
