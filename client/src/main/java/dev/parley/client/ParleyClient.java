package dev.parley.client;

import dev.parley.protocol.Command;
import dev.parley.protocol.ServerEvent;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

/**
 * A connection to a Parley server that stays connected: the Java client library.
 *
 * <pre>{@code
 * ClientOptions options = ClientOptions.builder("alice")
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
 * no reply comes within {@link ClientOptions#requestTimeout()}; with a {@link ParleyConnectionException}
 * when the connection is lost before the reply (the request may or may not have been carried out;
 * not so {@link #send}, which goes again after the reconnect) or when it cannot be sent; and with a {@link java.util.concurrent.CancellationException} when the
 * client is closed first. Requests made while reconnecting wait for the new connection or fail at
 * once, as {@link ClientOptions#whileReconnecting()} says.
 *
 * <h2>Events and reconnecting</h2>
 * Pushes and the connection's lifecycle reach the {@link ParleyListener} of the options; its Javadoc
 * describes the thread they arrive on and the order of the lifecycle. A lost connection is made
 * again with backoff ({@link ClientOptions#reconnect()}), the session resumed and every room re-joined
 * from the last room event seen, so the listener sees each message, edit, delete and reaction once
 * and in order. On servers with
 * auth, the token comes from {@link ClientOptions.Builder#tokenSupplier} for every connection, and the
 * session's token is refreshed before it expires.
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
     * within {@link ClientOptions#connectTimeout()}; the first connection is not retried. Cancelling the
     * returned future closes the client.
     *
     * @param uri the server's WebSocket endpoint, such as {@code ws://localhost:8080/ws} ({@code wss://} for TLS)
     * @throws IllegalArgumentException when {@code uri} is not a {@code ws://} or {@code wss://} URI with a host
     */
    public static CompletableFuture<ParleyClient> connect(URI uri, ClientOptions options) {
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

    /** Leaves {@code room}, keeping this user's read marker there; fails with {@code not_member} when the client is not in it. */
    public CompletableFuture<ServerEvent.Left> leave(String room) {
        return leave(room, false);
    }

    /**
     * Leaves {@code room}; with {@code forget} (version 1.2) the server also removes this user's read
     * marker there, so that the room no longer shows in {@link #unread()}.
     */
    public CompletableFuture<ServerEvent.Left> leave(String room, boolean forget) {
        Objects.requireNonNull(room, "room");
        return core.request(id -> new Command.Leave(id, room, forget), ServerEvent.Left.class);
    }

    /**
     * Sends a message to a room the client is in; the ack carries the message's offset. The send
     * carries a nonce of its own, so when the connection is lost before the ack, the client sends
     * it again with that nonce once it has reconnected and re-joined, and the server stores it
     * once: the future completes with the ack that comes then (the request timeout still applies).
     */
    public CompletableFuture<ServerEvent.Ack> send(String room, String text) {
        return send(room, text, null);
    }

    /**
     * Sends a message that answers the message at offset {@code replyTo} (version 1.2, servers that
     * offer {@code "replies"}): the message carries {@link ServerEvent.Message#replyTo()}. Fails with
     * {@code not_found} when that message is deleted or no longer kept. Sent again after a lost
     * connection like {@link #send(String, String)}.
     */
    public CompletableFuture<ServerEvent.Ack> send(String room, String text, long replyTo) {
        return send(room, text, Long.valueOf(replyTo));
    }

    private CompletableFuture<ServerEvent.Ack> send(String room, String text, Long replyTo) {
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(text, "text");
        String nonce = Nonces.next();
        return core.request(id -> new Command.Send(id, room, text, nonce, replyTo), ServerEvent.Ack.class);
    }

    /**
     * Gives this user's message at {@code offset} a new text (version 1.2, servers that offer
     * {@code "edit"}); the ack carries the edit's own offset, and every member gets an
     * {@link ParleyListener#onEdit}. Fails with {@code forbidden} for someone else's message and
     * {@code not_found} for one deleted or no longer kept.
     */
    public CompletableFuture<ServerEvent.Ack> edit(String room, long offset, String text) {
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(text, "text");
        return core.request(id -> new Command.Edit(id, room, offset, text), ServerEvent.Ack.class);
    }

    /**
     * Deletes the message at {@code offset} (version 1.2, servers that offer {@code "delete"}): this
     * user's own, or any with a moderator's token; the ack carries the delete's own offset, and
     * every member gets an {@link ParleyListener#onDelete}. Fails with {@code forbidden} or
     * {@code not_found}.
     */
    public CompletableFuture<ServerEvent.Ack> delete(String room, long offset) {
        Objects.requireNonNull(room, "room");
        return core.request(id -> new Command.Delete(id, room, offset), ServerEvent.Ack.class);
    }

    /**
     * Puts {@code emoji} on the message at {@code offset} ({@code on}) or takes it off (version 1.2,
     * servers that offer {@code "reactions"}). The ack carries the reaction's offset, or none when
     * nothing changed (already on, or already off), and then nobody gets an event. Fails with
     * {@code bad_request} for an emoji that is not 1 to {@value Command.React#MAX_EMOJI_CODE_POINTS}
     * code points without whitespace or for one more emoji on a message that has
     * {@value Command.React#MAX_EMOJI_PER_MESSAGE} different ones already, and {@code not_found}.
     */
    public CompletableFuture<ServerEvent.Ack> react(String room, long offset, String emoji, boolean on) {
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(emoji, "emoji");
        return core.request(id -> new Command.React(id, room, offset, emoji, on), ServerEvent.Ack.class);
    }

    /**
     * Moves this user's read marker in {@code room} forward to {@code offset} (version 1.2, servers
     * that offer {@code "read"}; an offset past the room's latest is clamped, one behind the marker
     * changes nothing). The user's other sessions get an {@link ParleyListener#onRead}.
     */
    public CompletableFuture<ServerEvent.Ack> markRead(String room, long offset) {
        Objects.requireNonNull(room, "room");
        return core.request(id -> new Command.Read(id, room, offset), ServerEvent.Ack.class);
    }

    /**
     * This user's read state in every room where it has a read marker (version 1.2, servers that
     * offer {@code "read"}): the marker, how many messages of others came after it, and how many of
     * them mention the user. {@link ServerEvent.Welcome#unread()} holds the same list as it was at
     * {@code hello}.
     */
    public CompletableFuture<List<ServerEvent.UnreadRoom>> unread() {
        return Futures.map(core.request(Command.Unread::new, ServerEvent.Unread.class), ServerEvent.Unread::rooms);
    }

    /**
     * Sends a direct message; fails with {@code no_such_user} when {@code to} is not online, unless
     * the server stores direct messages (durable history with auth), which keeps it for {@code to}'s
     * next connection. The recipient's listener sees its {@link ServerEvent.Dm#seq()}, and
     * {@link ServerEvent.Dm#stored()} on one that waited for it.
     */
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
    public CompletableFuture<ServerEvent.History<ServerEvent.Message>> history(String room) {
        Objects.requireNonNull(room, "room");
        return history(new Command.FetchHistory(null, room, null, null, null));
    }

    /**
     * Up to {@code limit} (1 to {@value Command.FetchHistory#MAX_LIMIT}) messages of {@code room}
     * with an offset below {@code before}, oldest first: page back with the offset of the oldest
     * message of the previous page.
     */
    public CompletableFuture<ServerEvent.History<ServerEvent.Message>> history(String room, long before, int limit) {
        Objects.requireNonNull(room, "room");
        return history(new Command.FetchHistory(null, room, before, null, limit));
    }

    /**
     * Up to {@code limit} (1 to {@value Command.FetchHistory#MAX_LIMIT}) messages of {@code room}
     * right after the offset {@code after}, oldest first: fills a gap forward, such as the
     * {@link Gap#missed()} room events of a recovery that was too long.
     */
    public CompletableFuture<ServerEvent.History<ServerEvent.Message>> historyAfter(String room, long after, int limit) {
        Objects.requireNonNull(room, "room");
        return history(new Command.FetchHistory(null, room, null, after, limit));
    }

    /**
     * Up to {@code limit} (1 to {@value Command.FetchHistory#MAX_LIMIT}) direct messages between
     * this user and {@code with}, oldest first, each with its {@link ServerEvent.Dm#seq()}: the
     * latest with a seq below {@code before} (null: the latest of all); page back with the seq of
     * the oldest of the previous page. Only on servers that store direct messages (durable history
     * with auth); others answer {@code unsupported}.
     */
    public CompletableFuture<ServerEvent.History<ServerEvent.Dm>> historyWith(String with, Long before, int limit) {
        Objects.requireNonNull(with, "with");
        return history(new Command.FetchHistory(null, null, with, before, null, limit));
    }

    /**
     * Sends {@code query} under a request id of its own; the reply holds the elements the query asks
     * for. The request's own future is returned (cast, not mapped), so that closing the client
     * cancels it as it does every other request.
     */
    @SuppressWarnings("unchecked")
    private <T extends ServerEvent> CompletableFuture<ServerEvent.History<T>> history(Command.FetchHistory query) {
        CompletableFuture<?> reply = core.request(id -> new Command.FetchHistory(id, query.room(), query.with(),
                query.before(), query.after(), query.limit()), ServerEvent.History.class);
        return (CompletableFuture<ServerEvent.History<T>>) reply;
    }

    /**
     * Up to {@code limit} (1 to {@value Command.Search#MAX_LIMIT}) messages of {@code room} that
     * contain every word of {@code query}, newest first, with offsets below {@code before} when it
     * is not null: page on with the reply's {@code next}. Only on servers whose
     * {@code welcome().features()} has {@code "search"}; others answer {@code unsupported}.
     */
    public CompletableFuture<ServerEvent.Results> search(String room, String query, Long before, int limit) {
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(query, "query");
        return core.request(id -> new Command.Search(id, room, query, before, limit), ServerEvent.Results.class);
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
}
