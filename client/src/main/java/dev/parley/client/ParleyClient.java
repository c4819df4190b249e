package dev.parley.client;

import dev.parley.protocol.Command;
import dev.parley.protocol.ServerEvent;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

/**
 * A connection to a Parley server that stays connected: the Java client library.
 *
 * <pre>{@code
 * ParleyClient.Options options = ParleyClient.Options.builder("alice")
 *         .listener(new ParleyListener() {
 *             @Override
 *             public void onMessage(ServerEvent.Message m) {
 *                 System.out.println(m.from() + ": " + m.text());
 *             }
 *         })
 *         .build();
 * try (ParleyClient client = ParleyClient.connect(URI.create("ws://localhost:8080/ws"), options).join()) {
 *     client.join("general").join();
 *     client.send("general", "hello").join();
 * }
 * }</pre>
 *
 * <h2>Requests</h2>
 * Every request returns a {@link CompletableFuture} completed, on the client's event thread, by the
 * server's reply to it. It fails with a {@link ParleyException} carrying the protocol's error code
 * when the server answers {@code error}; with a {@link java.util.concurrent.TimeoutException} when
 * no reply comes within {@link Options#requestTimeout()}; with a {@link ParleyConnectionException}
 * when the connection is lost before the reply (the request may or may not have been carried out)
 * or when it cannot be sent; and with a {@link java.util.concurrent.CancellationException} when the
 * client is closed first. Requests made while reconnecting wait for the new connection or fail at
 * once, as {@link Options#whileReconnecting()} says.
 *
 * <h2>Events and reconnecting</h2>
 * Pushes and the connection's lifecycle reach the {@link ParleyListener} of the options; its Javadoc
 * describes the thread they arrive on and the order of the lifecycle. A lost connection is made
 * again with backoff ({@link Options#reconnect()}), the session resumed and every room re-joined
 * from the last message seen, so the listener sees each message once and in order.
 *
 * <h2>Closing</h2>
 * {@link #close()} cancels every pending request, closes the connection, stops every timer and
 * thread, and may be called more than once and from any thread.
 *
 * <p>Thread-safe.
 */
public final class ParleyClient implements AutoCloseable {
    private final ClientCore core;

    private ParleyClient(ClientCore core) {
        this.core = core;
    }

    /**
     * Connects, says {@code hello} and completes once the server has welcomed the client. Fails
     * with a {@link ParleyException} when the server refuses the hello (such as
     * {@code nick_taken}), or a {@link ParleyConnectionException} when no connection can be made
     * within {@link Options#connectTimeout()}; the first connection is not retried. Cancelling the
     * returned future closes the client.
     *
     * @param uri the server's WebSocket endpoint, such as {@code ws://localhost:8080/ws} ({@code wss://} for TLS)
     * @throws IllegalArgumentException when {@code uri} is not a {@code ws://} or {@code wss://} URI with a host
     */
    public static CompletableFuture<ParleyClient> connect(URI uri, Options options) {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(options, "options");
        if (!("ws".equalsIgnoreCase(uri.getScheme()) || "wss".equalsIgnoreCase(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException("not a ws:// or wss:// URI: " + uri);
        }
        ClientCore core = new ClientCore(uri, options);
        ParleyClient client = new ParleyClient(core);
        CompletableFuture<ParleyClient> connected = core.start().thenApply(welcome -> client);
        connected.whenComplete((c, failure) -> {
            if (failure != null) {
                core.close();
            }
        });
        return connected;
    }

    /** Joins (or creates) {@code room}. The reply carries the members and the latest messages as history. */
    public CompletableFuture<ServerEvent.Joined> join(String room) {
        Objects.requireNonNull(room, "room");
        return core.request(id -> new Command.Join(id, room, null), ServerEvent.Joined.class);
    }

    /** Leaves {@code room}; fails with {@code not_member} when the client is not in it. */
    public CompletableFuture<ServerEvent.Left> leave(String room) {
        Objects.requireNonNull(room, "room");
        return core.request(id -> new Command.Leave(id, room), ServerEvent.Left.class);
    }

    /** Sends a message to a room the client is in; the ack carries the message's offset. */
    public CompletableFuture<ServerEvent.Ack> send(String room, String text) {
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(text, "text");
        return core.request(id -> new Command.Send(id, room, text), ServerEvent.Ack.class);
    }

    /** Sends a direct message; fails with {@code no_such_user} when {@code to} is not online. */
    public CompletableFuture<ServerEvent.Ack> dm(String to, String text) {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(text, "text");
        return core.request(id -> new Command.SendDm(id, to, text), ServerEvent.Ack.class);
    }

    /** Tells the other members of {@code room} that this user is typing; no reply, dropped while not connected. */
    public void typing(String room) {
        Objects.requireNonNull(room, "room");
        core.typing(room);
    }

    /**
     * The first {@value Command.Who#MAX_LIMIT} members of {@code room} in nick order; the reply's
     * {@code next} is set when there are more.
     */
    public CompletableFuture<ServerEvent.Members> who(String room) {
        Objects.requireNonNull(room, "room");
        return core.request(id -> new Command.Who(id, room, null, null), ServerEvent.Members.class);
    }

    /**
     * Up to {@code limit} (1 to {@value Command.Who#MAX_LIMIT}) members of {@code room} in nick
     * order, those after {@code after} when it is not null: page on with the reply's {@code next}
     * until it is null.
     */
    public CompletableFuture<ServerEvent.Members> who(String room, String after, int limit) {
        Objects.requireNonNull(room, "room");
        return core.request(id -> new Command.Who(id, room, after, limit), ServerEvent.Members.class);
    }

    /**
     * How many members {@code room} has, as the server last said: the {@code joined} reply's
     * count, moved by each {@code presence} event and set by each {@code occupancy} event (which
     * large rooms send instead of presence). Empty when the client is not in the room.
     */
    public OptionalInt memberCount(String room) {
        Objects.requireNonNull(room, "room");
        return core.memberCount(room);
    }

    /** The rooms that exist, with their member counts. */
    public CompletableFuture<ServerEvent.Rooms> rooms() {
        return core.request(Command.ListRooms::new, ServerEvent.Rooms.class);
    }

    /** The latest {@value Command.FetchHistory#DEFAULT_LIMIT} messages of {@code room}, oldest first. */
    public CompletableFuture<ServerEvent.History> history(String room) {
        Objects.requireNonNull(room, "room");
        return core.request(id -> new Command.FetchHistory(id, room, null, null), ServerEvent.History.class);
    }

    /**
     * Up to {@code limit} (1 to {@value Command.FetchHistory#MAX_LIMIT}) messages of {@code room}
     * with an offset below {@code before}, oldest first: page back with the offset of the oldest
     * message of the previous page.
     */
    public CompletableFuture<ServerEvent.History> history(String room, long before, int limit) {
        Objects.requireNonNull(room, "room");
        return core.request(id -> new Command.FetchHistory(id, room, before, limit), ServerEvent.History.class);
    }

    /** A round trip through the server. */
    public CompletableFuture<ServerEvent.Pong> ping() {
        return core.request(Command.Ping::new, ServerEvent.Pong.class);
    }

    /** Where the client stands now. */
    public ConnectionState state() {
        return core.state();
    }

    /** The server's latest {@code welcome}: the nick, the session, the heartbeat and the limits. */
    public ServerEvent.Welcome welcome() {
        return core.welcome();
    }

    /**
     * Closes the client: cancels every pending request with a
     * {@link java.util.concurrent.CancellationException}, closes the connection (code 1000), stops
     * every timer and thread, and calls {@link ParleyListener#onClosed} with {@code null}. Safe to
     * call more than once and from any thread; called from outside the client's own threads, it
     * returns once all that is done (within a few seconds even when the server does not answer).
     */
    @Override
    public void close() {
        core.close();
    }

    /** What {@link ParleyClient#connect} does with requests made while the connection is being made again. */
    public enum WhileReconnecting {
        /** They wait for the new connection, each until its request timeout, at most {@link Options#maxWaitingRequests()} of them. */
        WAIT,
        /** They fail at once with a {@link ParleyConnectionException}. */
        FAIL
    }

    /** How a {@link ParleyClient} behaves. Immutable; built with {@link #builder(String)}. */
    public static final class Options {
        private final String nick;
        private final String token;
        private final ParleyListener listener;
        private final Duration requestTimeout;
        private final Duration connectTimeout;
        private final Duration heartbeatMargin;
        private final ReconnectPolicy reconnect;
        private final WhileReconnecting whileReconnecting;
        private final int maxWaitingRequests;

        private Options(Builder b) {
            this.nick = b.nick;
            this.token = b.token;
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
            b.token = token;
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

        public String token() {
            return token;
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

        /** Builds {@link Options}; each setter names its default. */
        public static final class Builder {
            private final String nick;
            private String token;
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

            /** The JWT for servers that require one ({@code sub} = the nick); default none. */
            public Builder token(String token) {
                this.token = token;
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

            public Options build() {
                return new Options(this);
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
}
