package dev.parley.server.session;

import dev.parley.protocol.CloseCode;
import dev.parley.protocol.Command;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.Names;
import dev.parley.protocol.RequestId;
import dev.parley.protocol.ServerEvent;
import dev.parley.server.auth.Authenticator;
import dev.parley.server.auth.Grant;
import dev.parley.server.auth.GrantExpiry;
import dev.parley.server.broker.ReadState;
import dev.parley.server.codec.EncodedEvent;
import dev.parley.server.hooks.ConnectVerdict;
import dev.parley.server.hooks.UpgradeRequest;
import dev.parley.server.hub.Member;
import dev.parley.server.metrics.ServerMetrics;
import dev.parley.server.node.Node;
import dev.parley.server.presence.NickClaim;
import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * One client's conversation with the server: the protocol's state machine from {@code hello} to
 * the end of the connection. Once {@code hello} is answered with {@code welcome}, each command goes
 * to its handler in the {@link Commands} table, which acts through the session's package-private
 * accessors ({@link #node()}, {@link #rooms()}, ...) and the stateless {@link Replies},
 * {@link Checks} and {@link RoomOrder}; deliveries from the hub pass {@link RoomOrder} too.
 *
 * <p>A server holds many idle sessions, so a session allocates little: those helpers keep no
 * per-session state (what {@link RoomOrder} counts lives in the {@link Memberships}), and the rate
 * limit and the grant's expiry timer are made when first needed.
 *
 * <p>Confined to the transport's event loop: every method but {@link #nick()} and {@link #id()}
 * runs there, so its state needs no locks. {@link #end()} runs exactly once, when the connection
 * has closed.
 */
public final class Session implements Member {
    private static final Logger LOG = LoggerFactory.getLogger(Session.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ID_ENCODER = Base64.getUrlEncoder().withoutPadding();

    private enum State { NEW, SAYING_HELLO, READY, CLOSED }

    private final String id = "s-" + randomToken(9);
    private final Transport transport;
    private final Node node;
    private final SessionSettings settings;
    private final ServerMetrics metrics;
    private final LongSupplier clock;
    private final Authenticator authenticator;
    private final Memberships rooms = new Memberships();
    /** What the token allows; set by hello, replaced by refresh. */
    private Grant grant;
    /** Closes with 4003 when the token expires unrefreshed; made for the first grant that expires. */
    private GrantExpiry expiry;
    /** Made on the first rate-limited command: most sessions only listen. */
    private RateLimit rateLimit;
    /** Made on the first event for the user that comes before the welcome. */
    private HeldUntilWelcome heldUntilWelcome;
    private UpgradeRequest upgradeRequest;
    /** The rooms the connect hook allowed, narrowing every grant; null for any. */
    private List<String> connectRooms;
    private volatile String nick;
    private State state = State.NEW;
    private boolean ended;
    /** Closed by a graceful stop: its rooms may be kept for a resume on another node. */
    private boolean stopping;

    /** A session on a server without auth. */
    public Session(Transport transport, Node node, SessionSettings settings, ServerMetrics metrics, LongSupplier clock) {
        this(transport, node, settings, metrics, clock, Authenticator.OPEN);
    }

    public Session(Transport transport, Node node, SessionSettings settings, ServerMetrics metrics, LongSupplier clock,
                   Authenticator authenticator) {
        this.authenticator = authenticator;
        this.transport = transport;
        this.node = node;
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String nick() {
        return nick;
    }

    @Override
    public EventExecutor executor() {
        return transport.executor();
    }

    /** Whether {@code hello} has been answered with {@code welcome}. */
    public boolean isReady() {
        return state == State.READY;
    }

    /** Whether the connection has closed and the session ended. */
    boolean hasEnded() {
        return ended;
    }

    // What command handlers act through: event loop only.

    Transport transport() {
        return transport;
    }

    Node node() {
        return node;
    }

    SessionSettings settings() {
        return settings;
    }

    LongSupplier clock() {
        return clock;
    }

    Memberships rooms() {
        return rooms;
    }

    /** What the current token allows; null before {@code hello} is answered. */
    Grant grant() {
        return grant;
    }

    RateLimit rateLimit() {
        if (rateLimit == null) {
            rateLimit = new RateLimit(this);
        }
        return rateLimit;
    }

    /** Keeps what the upgrade request said, for the connect hook, until the welcome. */
    public void keepUpgradeRequest(UpgradeRequest request) {
        upgradeRequest = request;
    }

    UpgradeRequest upgradeRequest() {
        return upgradeRequest;
    }

    /** Takes a new grant (hello, refresh), narrowed to the connect hook's rooms, and its expiry in place of the old one. */
    void renew(Grant granted) {
        grant = granted.narrowedTo(connectRooms);
        if (expiry == null && granted.expiresAtMs() != null) {
            expiry = new GrantExpiry();
        }
        if (expiry != null) {
            expiry.renew(granted, transport.executor(), clock, this::tokenExpired);
        }
    }

    private void cancelExpiry() {
        if (expiry != null) {
            expiry.cancel();
        }
    }

    private void tokenExpired() {
        LOG.debug("{}: token expired", this);
        transport.close(CloseCode.TOKEN_EXPIRED);
    }

    /** Handles one decoded command. */
    public void handle(Command command) {
        if (state == State.CLOSED) {
            return;
        }
        if (command instanceof Command.Hello hello) {
            hello(hello);
        } else if (state != State.READY) {
            Replies.fail(this, command.id(), ErrorCode.NOT_READY, "the first command must be hello");
        } else {
            Commands.TABLE.dispatch(this, command);
        }
    }

    /** Answers a command the transport could not decode, or one that failed. */
    public void reject(ServerEvent.Error error) {
        if (state != State.CLOSED) {
            metrics.error(error.code());
            transport.send(error);
        }
    }

    private void hello(Command.Hello hello) {
        if (state != State.NEW) {
            Replies.fail(this, hello.id(), ErrorCode.BAD_REQUEST, "hello was already said");
            return;
        }
        if (!Names.isValidNick(hello.nick())) {
            Replies.fail(this, hello.id(), ErrorCode.NICK_INVALID, "a nick is 1 to " + Names.MAX_NICK_LENGTH
                    + " letters, digits, '_', '-' or '.'");
            return;
        }
        state = State.SAYING_HELLO;
        TokenCheck.check(this, hello.id(), hello.nick(), hello.token(),
                helloGrant -> ConnectHello.admit(this, hello, helloGrant));
    }

    /** Claims the nick once the token and the connect hook let the session in; the welcome, then the hook's joins. */
    void login(Command.Hello hello, Grant helloGrant, ConnectVerdict.Accept admitted) {
        connectRooms = admitted.rooms();
        nick = hello.nick();
        String resumeSecret = randomToken(18);
        Replies.whenDone(this, node.login(this, hello.nick(), resumeSecret, hello.resume()), hello.id(), () -> {
            nick = null;
            state = State.NEW;
            releaseHeldUntilWelcome();
        }, claim -> {
            if (ended) {
                if (claim.granted()) {
                    node.logout(this);
                }
            } else if (!claim.granted()) {
                nick = null;
                state = State.NEW;
                if (claim.outcome() == NickClaim.Outcome.FULL) {
                    Replies.fail(this, hello.id(), ErrorCode.TOO_MANY_SESSIONS, "'" + hello.nick() + "' holds "
                            + settings.limits().maxSessionsPerUser() + " sessions already");
                    transport.close(CloseCode.POLICY_VIOLATION);
                } else {
                    Replies.fail(this, hello.id(), ErrorCode.NICK_TAKEN, "'" + hello.nick() + "' is taken");
                }
            } else {
                welcome(hello.id(), helloGrant, resumeSecret, admitted.join());
            }
        });
    }

    /**
     * Sends {@code welcome}, with the user's read state where the node keeps it, read first without
     * blocking; a read that fails (its backend out of reach) leaves {@code unread} out rather than
     * failing the login. The stored direct messages are taken as it goes out, and come after what
     * came for the user meanwhile and the joins the connect hook asked for (each answered by a
     * {@code joined} without id).
     */
    private void welcome(RequestId helloId, Grant helloGrant, String resumeSecret, List<String> join) {
        CompletableFuture<List<ServerEvent.UnreadRoom>> unread = node.features().contains(ReadState.FEATURE)
                ? node.userReadState().unread(nick).exceptionally(failure -> {
                    LOG.debug("{}: welcome without unread: {}", this, failure.toString());
                    return null;
                })
                : CompletableFuture.completedFuture(null);
        Replies.whenDone(this, unread, helloId, rooms -> {
            if (state != State.SAYING_HELLO) {
                return;
            }
            state = State.READY;
            upgradeRequest = null;
            renew(helloGrant);
            // Asked for before the welcome leaves (sent at once, outside a read): a dm stored after
            // the client has its welcome is stored after this take, so it comes live.
            ConnectionCommands.deliverStored(this);
            transport.send(new ServerEvent.Welcome(helloId, id, nick, resumeSecret, settings.heartbeatMs(),
                    settings.idleTimeoutMs(), settings.limits(), settings.server(), helloGrant.expiresAtSeconds(),
                    node.features(), rooms));
            if (heldUntilWelcome != null) {
                heldUntilWelcome.writeTo(this);
                heldUntilWelcome = null;
            }
            join.forEach(room -> RoomCommands.join(this, new Command.Join(null, room, null)));
        });
    }

    private void releaseHeldUntilWelcome() {
        if (heldUntilWelcome != null) {
            heldUntilWelcome.release(this);
            heldUntilWelcome = null;
        }
    }

    /** Checks the tokens of {@code hello} and {@code refresh} ({@link TokenCheck}). */
    Authenticator authenticator() {
        return authenticator;
    }

    @Override
    public void deliver(String room, long offset, EncodedEvent event) {
        if (state == State.CLOSED) {
            return;
        }
        if (room == null) {
            if (state == State.SAYING_HELLO) {
                if (heldUntilWelcome == null) {
                    heldUntilWelcome = new HeldUntilWelcome();
                }
                heldUntilWelcome.hold(this, event);
            } else {
                transport.write(event);
            }
            return;
        }
        Membership membership = rooms.get(room);
        if (membership != null) {
            RoomOrder.deliver(this, membership, offset, event);
        }
    }

    @Override
    public void flush() {
        transport.flush();
    }

    /** See {@link RoomOrder#lostTrack}. */
    @Override
    public void lostTrack(String room) {
        Membership membership = rooms.get(room);
        if (state != State.CLOSED && membership != null) {
            RoomOrder.lostTrack(this, room, membership);
        }
    }

    @Override
    public CompletableFuture<Void> evict() {
        state = State.CLOSED;
        cancelExpiry();
        ConnectionCommands.endStored(this);
        CompletableFuture<Void> left = leaveAll();
        transport.close(CloseCode.SESSION_REPLACED);
        return left;
    }

    @Override
    public void disconnect() {
        LOG.debug("{} disconnected by the server API", this);
        transport.close(CloseCode.POLICY_VIOLATION);
    }

    /**
     * The server is stopping: close with 1001. From now on the session leaves its rooms without a
     * word when the settings keep presence on a stop, so that the client's resume on another node
     * is no leave and join to the other members.
     */
    public void stop() {
        stopping = true;
        transport.close(CloseCode.GOING_AWAY);
    }

    /** The connection has closed: leave every room, give up the nick. Runs once; later calls do nothing. */
    public void end() {
        if (ended) {
            return;
        }
        ended = true;
        state = State.CLOSED;
        cancelExpiry();
        releaseHeldUntilWelcome();
        ConnectionCommands.endStored(this);
        leaveAll().whenComplete((done, failure) -> node.logout(this));
    }

    private CompletableFuture<Void> leaveAll() {
        boolean keepPresence = stopping && settings.keepPresenceOnStop();
        List<CompletableFuture<Void>> leaves = new ArrayList<>(rooms.size());
        rooms.forEach(membership -> {
            RoomOrder.drop(this, membership);
            leaves.add(keepPresence ? node.abandon(this, membership.room) : node.leave(this, membership.room));
        });
        rooms.clear();
        return CompletableFuture.allOf(leaves.toArray(CompletableFuture[]::new));
    }

    private static String randomToken(int bytes) {
        byte[] token = new byte[bytes];
        RANDOM.nextBytes(token);
        return ID_ENCODER.encodeToString(token);
    }

    @Override
    public String toString() {
        return id + (nick == null ? "" : " (" + nick + ")");
    }
}
