package dev.parley.client;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/** How a {@link ParleyClient} behaves. Immutable; built with {@link #builder(String)}. */
public final class ClientOptions {
    private final String nick;
    private final Supplier<String> tokenSupplier;
    private final ParleyListener listener;
    private final Duration requestTimeout;
    private final Duration connectTimeout;
    private final Duration heartbeatMargin;
    private final ReconnectPolicy reconnect;
    private final WhileReconnecting whileReconnecting;
    private final int maxWaitingRequests;

    private ClientOptions(Builder b) {
        this.nick = b.nick;
        this.tokenSupplier = b.tokenSupplier;
        this.listener = b.listener;
        this.requestTimeout = b.requestTimeout;
        this.connectTimeout = b.connectTimeout;
        this.heartbeatMargin = b.heartbeatMargin;
        this.reconnect = b.reconnect;
        this.whileReconnecting = b.whileReconnecting;
        this.maxWaitingRequests = b.maxWaitingRequests;
    }

    /** Options for the user {@code nick}, with every other setting at its default. */
    public static Builder builder(String nick) {
        return new Builder(nick);
    }

    /** A builder holding these options, to change some of them. */
    public Builder toBuilder() {
        Builder b = new Builder(nick);
        b.tokenSupplier = tokenSupplier;
        b.listener = listener;
        b.requestTimeout = requestTimeout;
        b.connectTimeout = connectTimeout;
        b.heartbeatMargin = heartbeatMargin;
        b.reconnect = reconnect;
        b.whileReconnecting = whileReconnecting;
        b.maxWaitingRequests = maxWaitingRequests;
        return b;
    }

    public String nick() {
        return nick;
    }

    /** Where tokens come from: called for each connection's {@code hello} and for each {@code refresh}. */
    public Supplier<String> tokenSupplier() {
        return tokenSupplier;
    }

    public ParleyListener listener() {
        return listener;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration heartbeatMargin() {
        return heartbeatMargin;
    }

    public ReconnectPolicy reconnect() {
        return reconnect;
    }

    public WhileReconnecting whileReconnecting() {
        return whileReconnecting;
    }

    public int maxWaitingRequests() {
        return maxWaitingRequests;
    }

    /** Builds {@link ClientOptions}; each setter names its default. */
    public static final class Builder {
        private final String nick;
        private Supplier<String> tokenSupplier = () -> null;
        private ParleyListener listener = new ParleyListener() {
        };
        private Duration requestTimeout = Duration.ofSeconds(10);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration heartbeatMargin = Duration.ofSeconds(5);
        private ReconnectPolicy reconnect = ReconnectPolicy.DEFAULT;
        private WhileReconnecting whileReconnecting = WhileReconnecting.WAIT;
        private int maxWaitingRequests = 1000;

        private Builder(String nick) {
            this.nick = Objects.requireNonNull(nick, "nick");
        }

        /** One JWT for servers that require one ({@code sub} = the nick); default none. See {@link #tokenSupplier}. */
        public Builder token(String token) {
            return tokenSupplier(() -> token);
        }

        /**
         * Where JWTs come from, for servers that require one: called on the client's control
         * thread for the {@code hello} of every connection (reconnects included) and, before the
         * session's token expires, for a {@code refresh}. Keep it quick (hand out a token fetched
         * ahead); a supplier that throws drops that connection, to be tried again with backoff.
         * Default: no token.
         */
        public Builder tokenSupplier(Supplier<String> tokenSupplier) {
            this.tokenSupplier = Objects.requireNonNull(tokenSupplier, "tokenSupplier");
            return this;
        }

        /** Receives pushes and lifecycle events on the client's event thread; default one that ignores them. */
        public Builder listener(ParleyListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** How long a request waits for its reply, waiting for a reconnect included; default 10 s. */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = positive(requestTimeout, "requestTimeout");
            return this;
        }

        /** How long one connection attempt may take, from TCP connect to {@code welcome}; default 10 s. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = positive(connectTimeout, "connectTimeout");
            return this;
        }

        /**
         * How much longer than its advertised heartbeat the server may stay silent before the
         * client pings it, and how long that ping may go unanswered before the connection is
         * taken for dead; default 5 s.
         */
        public Builder heartbeatMargin(Duration heartbeatMargin) {
            this.heartbeatMargin = positive(heartbeatMargin, "heartbeatMargin");
            return this;
        }

        /** When to reconnect after losing the connection; default {@link ReconnectPolicy#DEFAULT}. */
        public Builder reconnect(ReconnectPolicy reconnect) {
            this.reconnect = Objects.requireNonNull(reconnect, "reconnect");
            return this;
        }

        /** What requests made while reconnecting do; default {@link WhileReconnecting#WAIT}. */
        public Builder whileReconnecting(WhileReconnecting whileReconnecting) {
            this.whileReconnecting = Objects.requireNonNull(whileReconnecting, "whileReconnecting");
            return this;
        }

        /** The most requests that wait for a reconnect at once; more fail at once; default 1000. */
        public Builder maxWaitingRequests(int maxWaitingRequests) {
            if (maxWaitingRequests < 0) {
                throw new IllegalArgumentException("maxWaitingRequests must be at least 0");
            }
            this.maxWaitingRequests = maxWaitingRequests;
            return this;
        }

        public ClientOptions build() {
            return new ClientOptions(this);
        }

        private static Duration positive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, not " + value);
            }
            return value;
        }
    }
}
