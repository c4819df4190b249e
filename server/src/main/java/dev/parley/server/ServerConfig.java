package dev.parley.server;

import dev.parley.protocol.Limits;

import java.util.List;
import java.util.Objects;

/**
 * Everything a server is started with. Immutable; {@link #builder()} starts from the defaults that
 * {@code --help} lists.
 */
public record ServerConfig(
        String host,
        int port,
        TransportType transport,
        int ioThreads,
        long heartbeatMs,
        long idleTimeoutMs,
        long helloTimeoutMs,
        long handshakeTimeoutMs,
        long closeTimeoutMs,
        int maxFrameBytes,
        int maxTextChars,
        int maxRooms,
        int ratePerSec,
        int burst,
        int historySize,
        int historyOnJoin,
        int maxOutboundBytes,
        long shutdownGraceMs,
        boolean compression,
        List<String> allowedOrigins,
        long drainDelayMs,
        String redisUri,
        long redisTimeoutMs,
        long redisCheckMs,
        long presenceTtlMs,
        long presenceRefreshMs,
        int presenceLimit,
        boolean keepPresenceOnStop,
        SecurityConfig security) {

    /** Which Netty transport carries the sockets. */
    public enum TransportType { AUTO, EPOLL, NIO }

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(transport, "transport");
        allowedOrigins = List.copyOf(allowedOrigins);
        Objects.requireNonNull(security, "security");
        requireRange("port", port, 0, 65535);
        requireRange("ioThreads", ioThreads, 0, 1024);
        requirePositive("heartbeatMs", heartbeatMs);
        requirePositive("idleTimeoutMs", idleTimeoutMs);
        requirePositive("helloTimeoutMs", helloTimeoutMs);
        requirePositive("handshakeTimeoutMs", handshakeTimeoutMs);
        requirePositive("closeTimeoutMs", closeTimeoutMs);
        requireRange("maxFrameBytes", maxFrameBytes, 128, 16 << 20);
        requireRange("maxTextChars", maxTextChars, 1, maxFrameBytes);
        requireRange("maxRooms", maxRooms, 1, 100_000);
        requireRange("ratePerSec", ratePerSec, 1, 1_000_000);
        requireRange("burst", burst, 1, 1_000_000);
        requireRange("historySize", historySize, 0, 1_000_000);
        requireRange("historyOnJoin", historyOnJoin, 0, 1_000_000);
        requireRange("maxOutboundBytes", maxOutboundBytes, 1024, Integer.MAX_VALUE);
        requireRange("shutdownGraceMs", shutdownGraceMs, 0, Long.MAX_VALUE);
        requireRange("drainDelayMs", drainDelayMs, 0, Long.MAX_VALUE);
        if (redisUri != null && !redisUri.matches("rediss?://.+")) {
            // The value is not repeated: it may hold a password.
            throw new IllegalArgumentException("redisUri must be redis://host:port[/db] or rediss://...");
        }
        requirePositive("redisTimeoutMs", redisTimeoutMs);
        requirePositive("redisCheckMs", redisCheckMs);
        requirePositive("presenceRefreshMs", presenceRefreshMs);
        if (presenceTtlMs <= presenceRefreshMs) {
            throw new IllegalArgumentException("presenceTtlMs must be longer than presenceRefreshMs, not " + presenceTtlMs);
        }
        requireRange("presenceLimit", presenceLimit, 1, 1_000_000);
    }

    private static void requirePositive(String name, long value) {
        requireRange(name, value, 1, Long.MAX_VALUE);
    }

    private static void requireRange(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be " + (max == Long.MAX_VALUE || max == Integer.MAX_VALUE
                    ? "at least " + min : "from " + min + " to " + max) + ", not " + value);
        }
    }

    /** The limits announced in {@code welcome}. */
    public Limits limits() {
        return new Limits(maxFrameBytes, maxTextChars, maxRooms, ratePerSec, burst, presenceLimit);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds a {@link ServerConfig}; every setter's default is the documented one. */
    public static final class Builder {
        private String host = "0.0.0.0";
        private int port = 8080;
        private TransportType transport = TransportType.AUTO;
        private int ioThreads;
        private long heartbeatMs = 25_000;
        private long idleTimeoutMs = 60_000;
        private long helloTimeoutMs = 10_000;
        private long handshakeTimeoutMs = 10_000;
        private long closeTimeoutMs = 5_000;
        private int maxFrameBytes = 65_536;
        private int maxTextChars = 4_000;
        private int maxRooms = 50;
        private int ratePerSec = 20;
        private int burst = 40;
        private int historySize = 100;
        private int historyOnJoin = 20;
        private int maxOutboundBytes = 1 << 20;
        private long shutdownGraceMs = 5_000;
        private boolean compression = true;
        private List<String> allowedOrigins = List.of();
        private long drainDelayMs;
        private SecurityConfig security = SecurityConfig.builder().build();
        private String redisUri;
        private long redisTimeoutMs = 2_000;
        private long redisCheckMs = 2_000;
        private long presenceTtlMs = 40_000;
        private long presenceRefreshMs = 10_000;
        private int presenceLimit = 1000;
        private boolean keepPresenceOnStop;

        private Builder() {
        }

        private Builder(ServerConfig c) {
            host = c.host;
            port = c.port;
            transport = c.transport;
            ioThreads = c.ioThreads;
            heartbeatMs = c.heartbeatMs;
            idleTimeoutMs = c.idleTimeoutMs;
            helloTimeoutMs = c.helloTimeoutMs;
            handshakeTimeoutMs = c.handshakeTimeoutMs;
            closeTimeoutMs = c.closeTimeoutMs;
            maxFrameBytes = c.maxFrameBytes;
            maxTextChars = c.maxTextChars;
            maxRooms = c.maxRooms;
            ratePerSec = c.ratePerSec;
            burst = c.burst;
            historySize = c.historySize;
            historyOnJoin = c.historyOnJoin;
            maxOutboundBytes = c.maxOutboundBytes;
            shutdownGraceMs = c.shutdownGraceMs;
            compression = c.compression;
            allowedOrigins = c.allowedOrigins;
            drainDelayMs = c.drainDelayMs;
            security = c.security;
            redisUri = c.redisUri;
            redisTimeoutMs = c.redisTimeoutMs;
            redisCheckMs = c.redisCheckMs;
            presenceTtlMs = c.presenceTtlMs;
            presenceRefreshMs = c.presenceRefreshMs;
            presenceLimit = c.presenceLimit;
            keepPresenceOnStop = c.keepPresenceOnStop;
        }

        /** Address to listen on; default {@code 0.0.0.0}. */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** Port to listen on, 0 for any free one; default 8080. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Default {@link TransportType#AUTO}: epoll where it loads, NIO elsewhere. */
        public Builder transport(TransportType transport) {
            this.transport = transport;
            return this;
        }

        /** Worker event loops; default 0, Netty's choice of twice the cores. */
        public Builder ioThreads(int ioThreads) {
            this.ioThreads = ioThreads;
            return this;
        }

        /** Interval of the server's WebSocket pings; default 25 s. */
        public Builder heartbeatMs(long heartbeatMs) {
            this.heartbeatMs = heartbeatMs;
            return this;
        }

        /** Silence after which a client is closed with 4000; default 60 s. */
        public Builder idleTimeoutMs(long idleTimeoutMs) {
            this.idleTimeoutMs = idleTimeoutMs;
            return this;
        }

        /** Time a client has to say hello before it is closed with 4008; default 10 s. */
        public Builder helloTimeoutMs(long helloTimeoutMs) {
            this.helloTimeoutMs = helloTimeoutMs;
            return this;
        }

        /** Time to complete an HTTP request or the WebSocket handshake; default 10 s. */
        public Builder handshakeTimeoutMs(long handshakeTimeoutMs) {
            this.handshakeTimeoutMs = handshakeTimeoutMs;
            return this;
        }

        /** Time a client has to answer the server's close frame; default 5 s. */
        public Builder closeTimeoutMs(long closeTimeoutMs) {
            this.closeTimeoutMs = closeTimeoutMs;
            return this;
        }

        /** Largest message, in bytes, after reassembly and decompression; default 65536. */
        public Builder maxFrameBytes(int maxFrameBytes) {
            this.maxFrameBytes = maxFrameBytes;
            return this;
        }

        /** Longest {@code text}, in characters; default 4000. */
        public Builder maxTextChars(int maxTextChars) {
            this.maxTextChars = maxTextChars;
            return this;
        }

        /** Rooms one session may be in; default 50. */
        public Builder maxRooms(int maxRooms) {
            this.maxRooms = maxRooms;
            return this;
        }

        /** Rate-limit refill per second for send, dm and typing; default 20. */
        public Builder ratePerSec(int ratePerSec) {
            this.ratePerSec = ratePerSec;
            return this;
        }

        /** Rate-limit bucket size; default 40. */
        public Builder burst(int burst) {
            this.burst = burst;
            return this;
        }

        /** Messages kept per room; default 100. */
        public Builder historySize(int historySize) {
            this.historySize = historySize;
            return this;
        }

        /** Messages sent with {@code joined} when nothing is recovered; default 20. */
        public Builder historyOnJoin(int historyOnJoin) {
            this.historyOnJoin = historyOnJoin;
            return this;
        }

        /** Pending outbound bytes past which a client is closed with 4001; default 1 MiB. */
        public Builder maxOutboundBytes(int maxOutboundBytes) {
            this.maxOutboundBytes = maxOutboundBytes;
            return this;
        }

        /** Time a graceful stop waits for clients to close; default 5 s. */
        public Builder shutdownGraceMs(long shutdownGraceMs) {
            this.shutdownGraceMs = shutdownGraceMs;
            return this;
        }

        /** Whether permessage-deflate is negotiated when offered; default on. */
        public Builder compression(boolean compression) {
            this.compression = compression;
            return this;
        }

        /** Origins allowed to open a WebSocket; default empty, meaning any. */
        public Builder allowedOrigins(List<String> allowedOrigins) {
            this.allowedOrigins = allowedOrigins;
            return this;
        }

        /**
         * On a graceful stop, how long the server keeps serving with {@code /readyz} at 503 before it
         * closes its sessions, so that a load balancer stops sending it new ones; default 0.
         */
        public Builder drainDelayMs(long drainDelayMs) {
            this.drainDelayMs = drainDelayMs;
            return this;
        }

        /** The Redis that makes this node one of a cluster; default none, serving alone from memory. */
        public Builder redisUri(String redisUri) {
            this.redisUri = redisUri == null || redisUri.isBlank() ? null : redisUri;
            return this;
        }

        /** Longest wait for a Redis reply before the command fails as unavailable; default 2 s. */
        public Builder redisTimeoutMs(long redisTimeoutMs) {
            this.redisTimeoutMs = redisTimeoutMs;
            return this;
        }

        /** Interval of the check of each subscribed room's position against Redis; default 2 s. */
        public Builder redisCheckMs(long redisCheckMs) {
            this.redisCheckMs = redisCheckMs;
            return this;
        }

        /**
         * How long a clustered node's nick claims and room memberships live in Redis unless it
         * refreshes them; the members of a node that died leave within this plus the refresh
         * interval. Default 40 s.
         */
        public Builder presenceTtlMs(long presenceTtlMs) {
            this.presenceTtlMs = presenceTtlMs;
            return this;
        }

        /** How often a clustered node refreshes its claims and memberships and removes expired ones; default 10 s. */
        public Builder presenceRefreshMs(long presenceRefreshMs) {
            this.presenceRefreshMs = presenceRefreshMs;
            return this;
        }

        /** Members past which a room announces occupancy instead of each join and leave; default 1000. */
        public Builder presenceLimit(int presenceLimit) {
            this.presenceLimit = presenceLimit;
            return this;
        }

        /**
         * Whether a graceful stop leaves its sessions in their rooms' presence, unannounced, until the
         * entries expire (within {@code presenceTtlMs + presenceRefreshMs}) or a resumed session keeps
         * them on another node, so that a rolling restart is no wave of leaves and joins; default off
         * (every member told of the leave at once). Only a cluster keeps entries beyond a node's life.
         */
        public Builder keepPresenceOnStop(boolean keepPresenceOnStop) {
            this.keepPresenceOnStop = keepPresenceOnStop;
            return this;
        }

        /** Auth, TLS, per-address limits, trusted proxies, server API; default all off. */
        public Builder security(SecurityConfig security) {
            this.security = security;
            return this;
        }

        public ServerConfig build() {
            return new ServerConfig(host, port, transport, ioThreads, heartbeatMs, idleTimeoutMs, helloTimeoutMs,
                    handshakeTimeoutMs, closeTimeoutMs, maxFrameBytes, maxTextChars, maxRooms, ratePerSec, burst,
                    historySize, historyOnJoin, maxOutboundBytes, shutdownGraceMs, compression, allowedOrigins,
                    drainDelayMs, redisUri, redisTimeoutMs, redisCheckMs, presenceTtlMs, presenceRefreshMs, presenceLimit,
                    keepPresenceOnStop, security);
        }
    }
}
