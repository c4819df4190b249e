package dev.parley.server.session;

import dev.parley.protocol.CloseCode;
import dev.parley.protocol.Command;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.Names;
import dev.parley.protocol.RequestId;
import dev.parley.protocol.ServerEvent;
import dev.parley.server.UnavailableException;
import dev.parley.server.auth.AuthException;
import dev.parley.server.auth.Authenticator;
import dev.parley.server.auth.Grant;
import dev.parley.server.auth.JwtAuthenticator;
import dev.parley.server.hub.Hub;
import dev.parley.server.hub.Member;
import dev.parley.server.metrics.ServerMetrics;
import dev.parley.server.codec.EncodedEvent;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * One client's conversation with the server: the protocol's state machine from {@code hello} to
 * the end of the connection. It validates each command, applies the rate limit, asks the
 * {@link Hub} to act, and answers on its {@link Transport}.
 *
 * <p>Confined to the transport's event loop: every method but {@link #nick()} and {@link #id()}
 * runs there, so its state needs no locks. {@link #end()} runs exactly once, when the connection
 * has closed.
 */
public final class Session implements Member {
    private static final Logger LOG = LoggerFactory.getLogger(Session.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ID_ENCODER = Base64.getUrlEncoder().withoutPadding();
    /** Past its {@code exp}, a token is accepted this long, as the verifier's clock skew allows. */
    private static final long EXPIRY_LEEWAY_MS = TimeUnit.SECONDS.toMillis(JwtAuthenticator.CLOCK_SKEW_SECONDS);

    private enum State { NEW, SAYING_HELLO, READY, CLOSED }

    private static final Runnable NOTHING = () -> { };

    private final String id = "s-" + randomToken(9);
    private final Transport transport;
    private final Hub hub;
    private final SessionSettings settings;
    private final ServerMetrics metrics;
    private final LongSupplier clock;
    /** Made on the first rate-limited command (full, as it would be by then): most sessions only listen. */
    private TokenBucket rateLimit;
    private final Authenticator authenticator;
    private final Memberships rooms = new Memberships();
    private volatile String nick;
    private String resumeSecret;
    private State state = State.NEW;
    private boolean ended;
    /** Closed by a graceful stop: its rooms may be kept for a resume on another node. */
    private boolean stopping;
    private int rejectedInARow;
    /** What the token allows; set by hello, replaced by refresh. */
    private Grant grant;
    /** Closes the session with 4003 when the token expires unrefreshed. */
    private ScheduledFuture<?> expiry;

    /** A session on a server without auth. */
    public Session(Transport transport, Hub hub, SessionSettings settings, ServerMetrics metrics, LongSupplier clock) {
        this(transport, hub, settings, metrics, clock, Authenticator.OPEN);
    }

    public Session(Transport transport, Hub hub, SessionSettings settings, ServerMetrics metrics, LongSupplier clock,
                   Authenticator authenticator) {
        this.authenticator = authenticator;
        this.transport = transport;
        this.hub = hub;
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

    /** Handles one decoded command. */
    public void handle(Command command) {
        if (state == State.CLOSED) {
            return;
        }
        if (command instanceof Command.Hello hello) {
            hello(hello);
        } else if (state != State.READY) {
            fail(command.id(), ErrorCode.NOT_READY, "the first command must be hello");
        } else if (command instanceof Command.Join join) {
            join(join);
        } else if (command instanceof Command.Leave leave) {
            leave(leave);
        } else if (command instanceof Command.Send send) {
            send(send);
        } else if (command instanceof Command.SendDm dm) {
            directMessage(dm);
        } else if (command instanceof Command.Typing typing) {
            typing(typing);
        } else if (command instanceof Command.Who who) {
            who(who);
        } else if (command instanceof Command.ListRooms listRooms) {
            reply(listRooms.id(), hub.rooms(), rooms -> new ServerEvent.Rooms(listRooms.id(), rooms));
        } else if (command instanceof Command.FetchHistory history) {
            history(history);
        } else if (command instanceof Command.Ping ping) {
            transport.send(new ServerEvent.Pong(ping.id(), clock.getAsLong()));
        } else if (command instanceof Command.Refresh refresh) {
            refresh(refresh);
        }
    }

    /** Answers a command the transport could not decode. */
    public void reject(ServerEvent.Error error) {
        if (state != State.CLOSED) {
            metrics.error(error.code());
            transport.send(error);
        }
    }

    private void hello(Command.Hello hello) {
        if (state != State.NEW) {
            fail(hello.id(), ErrorCode.BAD_REQUEST, "hello was already said");
            return;
        }
        if (!Names.isValidNick(hello.nick())) {
            fail(hello.id(), ErrorCode.NICK_INVALID, "a nick is 1 to " + Names.MAX_NICK_LENGTH
                    + " letters, digits, '_', '-' or '.'");
            return;
        }
        Grant helloGrant = authenticated(hello.id(), hello.nick(), hello.token());
        if (helloGrant == null) {
            return;
        }
        grant = helloGrant;
        state = State.SAYING_HELLO;
        nick = hello.nick();
        resumeSecret = randomToken(18);
        whenDone(hub.login(this, hello.nick(), resumeSecret, hello.resume()), hello.id(), () -> {
            nick = null;
            state = State.NEW;
        }, claim -> {
            if (ended) {
                if (claim.granted()) {
                    hub.logout(this);
                }
            } else if (!claim.granted()) {
                nick = null;
                state = State.NEW;
                fail(hello.id(), ErrorCode.NICK_TAKEN, "'" + hello.nick() + "' is taken");
            } else {
                state = State.READY;
                scheduleExpiry();
                transport.send(new ServerEvent.Welcome(hello.id(), id, nick, resumeSecret, settings.heartbeatMs(),
                        settings.idleTimeoutMs(), settings.limits(), settings.server(), grant.expiresAtSeconds()));
            }
        });
    }

    /** The grant of {@code token}, or null after answering {@code unauthorized} and closing with 1008. */
    private Grant authenticated(RequestId id, String forNick, String token) {
        try {
            return authenticator.authenticate(forNick, token);
        } catch (AuthException e) {
            LOG.debug("{}: {}", this, e.getMessage());
            fail(id, ErrorCode.UNAUTHORIZED, e.getMessage());
            transport.close(CloseCode.POLICY_VIOLATION);
            return null;
        }
    }

    private void refresh(Command.Refresh refresh) {
        Grant refreshed = authenticated(refresh.id(), nick, refresh.token());
        if (refreshed != null) {
            grant = refreshed;
            scheduleExpiry();
            transport.send(new ServerEvent.Refreshed(refresh.id(), grant.expiresAtSeconds()));
        }
    }

    /** (Re)arms the close with 4003 at the grant's expiry, with the leeway tokens are checked with. */
    private void scheduleExpiry() {
        cancelExpiry();
        if (grant.expiresAtMs() != null) {
            long delayMs = grant.expiresAtMs() + EXPIRY_LEEWAY_MS - clock.getAsLong();
            expiry = transport.executor().schedule(() -> {
                LOG.debug("{}: token expired", this);
                transport.close(CloseCode.TOKEN_EXPIRED);
            }, Math.max(0, delayMs), TimeUnit.MILLISECONDS);
        }
    }

    private void cancelExpiry() {
        if (expiry != null) {
            expiry.cancel(false);
            expiry = null;
        }
    }

    private void join(Command.Join join) {
        String room = join.room();
        if (!validRoom(join.id(), room)) {
            return;
        }
        Membership membership = rooms.get(room);
        if (membership != null) {
            membership.pendingReplies++;
            whenDone(hub.rejoin(room, join.since(), settings.historyOnJoin()), join.id(), () -> settle(room, membership),
                    joined -> {
                        transport.send(joinedEvent(join, joined));
                        settle(room, membership);
                    });
            return;
        }
        if (!grant.mayJoin(room)) {
            fail(join.id(), ErrorCode.FORBIDDEN, "the token does not allow room '" + room + "'");
            return;
        }
        if (rooms.size() >= settings.limits().maxRooms()) {
            fail(join.id(), ErrorCode.TOO_MANY_ROOMS, "at most " + settings.limits().maxRooms() + " rooms per session");
            return;
        }
        Membership joining = new Membership(hub.roomName(room));
        joining.pendingReplies++;
        rooms.add(joining);
        whenDone(hub.join(this, room, join.since(), settings.historyOnJoin()), join.id(), () -> {
            if (rooms.remove(joining)) {
                joining.drop();
            }
        }, joined -> {
            joining.lastOffset = Math.max(joining.lastOffset, joined.recovery().offset());
            transport.send(joinedEvent(join, joined));
            settle(room, joining);
        });
    }

    /**
     * A reply about {@code room} has been sent: once none is pending, the deliveries held back
     * behind them go out, but for those the replies already covered.
     */
    private void settle(String room, Membership membership) {
        if (--membership.pendingReplies > 0 || rooms.get(room) != membership) {
            return;
        }
        if (membership.lost) {
            membership.drop();
            closeToRecover(room);
            return;
        }
        if (membership.held == null) {
            return;
        }
        List<Membership.Held> held = membership.held;
        membership.held = null;
        try {
            for (Membership.Held h : held) {
                if (h.offset() == 0 || h.offset() > membership.lastOffset) {
                    if (h.offset() > 0) {
                        membership.lastOffset = h.offset();
                    }
                    transport.write(h.event());
                }
            }
        } finally {
            held.forEach(h -> h.event().release());
        }
        transport.flush();
    }

    private static ServerEvent.Joined joinedEvent(Command.Join join, Hub.Joined joined) {
        return new ServerEvent.Joined(join.id(), join.room(), joined.recovery().epoch(), joined.recovery().offset(),
                joined.members(), joined.memberCount(), joined.recovery().recovered(), joined.recovery().messages());
    }

    private void leave(Command.Leave leave) {
        if (validRoom(leave.id(), leave.room()) && isMember(leave.id(), leave.room())) {
            Membership membership = rooms.get(leave.room());
            rooms.remove(membership);
            membership.drop();
            reply(leave.id(), hub.leave(this, leave.room()), done -> new ServerEvent.Left(leave.id(), leave.room()));
        }
    }

    private void send(Command.Send send) {
        if (admitted(send.id()) && validRoom(send.id(), send.room()) && isMember(send.id(), send.room())
                && validText(send.id(), send.text())) {
            Membership membership = rooms.get(send.room());
            membership.pendingReplies++;
            whenDone(hub.publish(this, send.room(), send.text()), send.id(), () -> settle(send.room(), membership),
                    message -> {
                        transport.send(new ServerEvent.Ack(send.id(), send.room(), message.offset(), message.ts()));
                        settle(send.room(), membership);
                    });
        }
    }

    private void directMessage(Command.SendDm dm) {
        if (!admitted(dm.id()) || !validText(dm.id(), dm.text())) {
            return;
        }
        if (!Names.isValidNick(dm.to())) {
            fail(dm.id(), ErrorCode.NO_SUCH_USER, "no user '" + dm.to() + "' is online");
            return;
        }
        whenDone(hub.direct(this, dm.to(), dm.text()), dm.id(), NOTHING, ts -> {
            if (ts == null) {
                fail(dm.id(), ErrorCode.NO_SUCH_USER, "no user '" + dm.to() + "' is online");
            } else {
                transport.send(new ServerEvent.Ack(dm.id(), null, null, ts));
            }
        });
    }

    private void typing(Command.Typing typing) {
        if (admitted(typing.id()) && validRoom(typing.id(), typing.room()) && isMember(typing.id(), typing.room())) {
            hub.typing(this, typing.room());
        }
    }

    private void who(Command.Who who) {
        if (validRoom(who.id(), who.room())) {
            int limit = who.limit() == null ? Command.Who.MAX_LIMIT : who.limit();
            reply(who.id(), hub.members(who.room(), who.after(), limit),
                    page -> new ServerEvent.Members(who.id(), who.room(), page.members(), page.next()));
        }
    }

    private void history(Command.FetchHistory history) {
        if (!validRoom(history.id(), history.room())) {
            return;
        }
        long before = history.before() == null ? Long.MAX_VALUE : history.before();
        int limit = history.limit() == null ? Command.FetchHistory.DEFAULT_LIMIT : history.limit();
        reply(history.id(), hub.history(history.room(), before, limit),
                slice -> new ServerEvent.History(history.id(), history.room(), slice.epoch(), slice.messages()));
    }

    /** Applies the rate limit to {@code send}, {@code dm} and {@code typing}; closes a client that keeps flooding. */
    private boolean admitted(RequestId id) {
        if (rateLimit == null) {
            rateLimit = new TokenBucket(settings.limits().ratePerSec(), settings.limits().burst(), System.nanoTime());
        }
        if (rateLimit.tryTake(System.nanoTime())) {
            rejectedInARow = 0;
            return true;
        }
        fail(id, ErrorCode.RATE_LIMITED, "more than " + settings.limits().ratePerSec() + " a second");
        if (++rejectedInARow > settings.limits().burst()) {
            LOG.debug("{} closed for flooding", this);
            transport.close(CloseCode.POLICY_VIOLATION);
        }
        return false;
    }

    private boolean validRoom(RequestId id, String room) {
        if (Names.isValidRoom(room)) {
            return true;
        }
        fail(id, ErrorCode.ROOM_INVALID, "a room name is 1 to " + Names.MAX_ROOM_LENGTH
                + " letters, digits, '_', '-' or '.'");
        return false;
    }

    private boolean isMember(RequestId id, String room) {
        if (rooms.get(room) != null) {
            return true;
        }
        fail(id, ErrorCode.NOT_MEMBER, "not a member of '" + room + "'");
        return false;
    }

    private boolean validText(RequestId id, String text) {
        int max = settings.limits().maxTextChars();
        if (text.isEmpty()) {
            fail(id, ErrorCode.BAD_REQUEST, "field 'text' must not be empty");
            return false;
        }
        if (text.length() > max && text.codePointCount(0, text.length()) > max) {
            fail(id, ErrorCode.TEXT_TOO_LONG, "at most " + max + " characters");
            return false;
        }
        return true;
    }

    private void fail(RequestId id, ErrorCode code, String message) {
        reject(new ServerEvent.Error(id, code, message));
    }

    /** Sends the reply {@code toEvent} makes of the result, on this session's loop. */
    private <T> void reply(RequestId id, CompletableFuture<T> result,
                           Function<T, ServerEvent> toEvent) {
        whenDone(result, id, NOTHING, value -> {
            if (!ended) {
                transport.send(toEvent.apply(value));
            }
        });
    }

    /**
     * Runs {@code action} on this session's loop once {@code result} is done: at once when it is
     * done already (as it is with the in-memory broker), so that a reply precedes the deliveries the
     * command caused. A failure runs {@code undo} instead and becomes an {@code unavailable} error
     * when a backend was out of reach, an {@code internal} one otherwise.
     */
    private <T> void whenDone(CompletableFuture<T> result, RequestId id, Runnable undo, Consumer<T> action) {
        if (result.isDone() && transport.executor().inEventLoop()) {
            complete(result, id, undo, action);
        } else {
            result.whenComplete((value, failure) -> transport.executor().execute(() -> complete(result, id, undo, action)));
        }
    }

    private <T> void complete(CompletableFuture<T> result, RequestId id, Runnable undo, Consumer<T> action) {
        T value;
        try {
            value = result.join();
        } catch (CompletionException | CancellationException e) {
            undo.run();
            if (e.getCause() instanceof UnavailableException unavailable) {
                LOG.debug("session {}: {}", this.id, unavailable.getMessage());
                fail(id, ErrorCode.UNAVAILABLE, "the service is temporarily unavailable; nothing was done, retry later");
            } else {
                LOG.warn("session {}: a request failed", this.id, e);
                fail(id, ErrorCode.INTERNAL, "internal error");
            }
            return;
        }
        action.accept(value);
    }

    @Override
    public void deliver(String room, long offset, EncodedEvent event) {
        if (state == State.CLOSED) {
            return;
        }
        if (room != null) {
            Membership membership = rooms.get(room);
            if (membership == null || (offset > 0 && offset <= membership.lastOffset)) {
                return;
            }
            if (membership.pendingReplies > 0) {
                membership.hold(offset, event);
                return;
            }
            if (offset > 0) {
                membership.lastOffset = offset;
            }
        }
        transport.write(event);
    }

    @Override
    public void flush() {
        transport.flush();
    }

    /**
     * Closes with 1012, so that the client reconnects and re-joins with {@code since}, learning
     * what it lost; replies on their way (an {@code ack}) go out first, held-back deliveries not.
     */
    @Override
    public void lostTrack(String room) {
        Membership membership = rooms.get(room);
        if (state == State.CLOSED || membership == null) {
            return;
        }
        if (membership.pendingReplies > 0) {
            membership.lost = true;
        } else {
            closeToRecover(room);
        }
    }

    private void closeToRecover(String room) {
        LOG.info("{}: room '{}' lost messages it cannot deliver in order; closing so that the client recovers", this, room);
        transport.close(CloseCode.SERVICE_RESTART);
    }

    @Override
    public CompletableFuture<Void> evict() {
        state = State.CLOSED;
        cancelExpiry();
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
        leaveAll().whenComplete((done, failure) -> hub.logout(this));
    }

    private CompletableFuture<Void> leaveAll() {
        boolean keepPresence = stopping && settings.keepPresenceOnStop();
        List<CompletableFuture<Void>> leaves = new ArrayList<>(rooms.size());
        rooms.forEach(membership -> {
            membership.drop();
            leaves.add(keepPresence ? hub.abandon(this, membership.room) : hub.leave(this, membership.room));
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
