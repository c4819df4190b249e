package dev.parley.client;

import dev.parley.protocol.CloseCode;
import dev.parley.protocol.Command;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.RequestId;
import dev.parley.protocol.ServerEvent;
import dev.parley.protocol.StreamPosition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The client's state machine behind {@code ParleyClient}: it makes connections, says
 * {@code hello} (with the resume secret after the first), re-joins rooms after a reconnect, sends
 * requests or parks them while reconnecting, routes replies and pushes, and shuts everything down
 * once.
 *
 * <p>Its state belongs to one control thread ({@code parley-client-<nick>-control}), which also
 * runs every timer: request timeouts, the connect deadline, the heartbeat, reconnect backoff, the token refresh and
 * the close deadline. Socket callbacks arrive there through {@link Connection.Handler}; the
 * listener and request futures are served on the {@link EventDispatcher}'s thread, never here.
 * Only {@link #request}, {@link #typing}, {@link #close} and the volatile getters are called from
 * other threads.
 */
final class ClientCore implements Connection.Handler {
    /** Logged under the facade's name, the one applications configure (the core does not depend on the facade). */
    private static final Logger LOG = LoggerFactory.getLogger("dev.parley.client.ParleyClient");
    /** How long a graceful close waits for the server's close frame before dropping the connection. */
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(3);
    /** The id of the heartbeat's probe, apart from the numbered requests. */
    private static final RequestId HEARTBEAT_ID = RequestId.of("heartbeat");

    /** Finer than {@link ConnectionState}: where the current connection stands. */
    private enum Phase { CONNECTING, HELLO, REJOINING, READY, WAITING_TO_RECONNECT, CLOSED }

    private final URI uri;
    private final ClientOptions options;
    private final String name;
    private final ScheduledThreadPoolExecutor control;
    private final EventDispatcher events;
    private final Requests requests;
    private final RoomTracker rooms = new RoomTracker();
    private final MemberCounts memberCounts = new MemberCounts();
    private final Heartbeat heartbeat;
    private final ReconnectWatchdog watchdog;
    private final TokenRefresher refresher;
    private final CompletableFuture<ServerEvent.Welcome> connected = new CompletableFuture<>();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile Thread controlThread;
    private volatile ConnectionState state = ConnectionState.CONNECTING;
    private volatile ServerEvent.Welcome welcome;

    // Control thread only:
    /** The client's own requests in flight (hello, re-joins), by id, with what to do with the reply. */
    private final Map<RequestId, Consumer<ServerEvent.Reply>> internal = new HashMap<>();
    /** The application's joins in flight, by id: their room's live messages are held until the reply. */
    private final Map<RequestId, String> joinsInFlight = new HashMap<>();
    private Phase phase = Phase.CONNECTING;
    private Connection connection;
    private int connections;
    private ScheduledFuture<?> deadline;
    private int rejoinsLeft;
    private Disconnect lastDisconnect;

    ClientCore(URI uri, ClientOptions options) {
        this.uri = uri;
        this.options = options;
        this.name = "parley-client[" + options.nick() + "]";
        String threadPrefix = "parley-client-" + options.nick();
        this.control = new ScheduledThreadPoolExecutor(1, task -> {
            Thread t = new Thread(task, threadPrefix + "-control");
            t.setDaemon(true);
            controlThread = t;
            return t;
        });
        control.setRemoveOnCancelPolicy(true);
        control.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        control.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        this.events = new EventDispatcher(options.listener(), threadPrefix + "-events");
        this.requests = new Requests(events, control, options.requestTimeout(), options.maxWaitingRequests());
        this.heartbeat = new Heartbeat(control, options.heartbeatMargin());
        this.watchdog = new ReconnectWatchdog(options.reconnect(), control, () -> ThreadLocalRandom.current().nextDouble());
        this.refresher = new TokenRefresher(control, System::currentTimeMillis);
    }

    /** Starts the first connection; completes (on the event thread) once welcomed, or fails. */
    CompletableFuture<ServerEvent.Welcome> start() {
        control.execute(this::attempt);
        return connected;
    }

    ConnectionState state() {
        return state;
    }

    ServerEvent.Welcome welcome() {
        return welcome;
    }

    OptionalInt memberCount(String room) {
        return memberCounts.of(room);
    }

    // ---- the application's side (any thread) ----

    /** Registers a request, times it and hands it to the control thread to send or park. */
    <R extends ServerEvent.Reply> CompletableFuture<R> request(Function<RequestId, Command> command, Class<R> replyType) {
        if (closing.get()) {
            return CompletableFuture.failedFuture(closedException());
        }
        Requests.Pending<R> p;
        try {
            p = requests.register(command, replyType);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(closedException());
        }
        if (closing.get()) {
            // close() may have swept the pending requests before this one was registered
            p.future.cancel(false);
            return p.future;
        }
        try {
            control.execute(() -> submit(p));
        } catch (RejectedExecutionException e) {
            requests.fail(p, closedException());
        }
        return p.future;
    }

    /** Sends {@code typing} when connected; dropped otherwise, as it is only a hint. */
    void typing(String room) {
        try {
            control.execute(() -> {
                if (phase == Phase.READY) {
                    connection.send(new Command.Typing(null, room));
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("{}: closed; typing dropped", name);
        }
    }

    /**
     * Cancels every pending request at once, then shuts down on the control thread: the connection
     * is closed with 1000 (dropped after {@link #CLOSE_TIMEOUT} without an answer), timers stop, the
     * listener gets {@link ParleyListener#onClosed} and both threads end. Idempotent; from any
     * thread. Called from outside the client's threads, it waits (bounded) until all that is done.
     */
    void close() {
        if (closing.compareAndSet(false, true)) {
            requests.cancelAll();
            try {
                control.execute(() -> shutdown(null));
            } catch (RejectedExecutionException e) {
                LOG.debug("{}: already shut down", name);
            }
        }
        if (Thread.currentThread() != controlThread && !events.isEventThread()) {
            awaitTermination();
        }
    }

    private void awaitTermination() {
        try {
            terminated.get(CLOSE_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
            control.awaitTermination(1, TimeUnit.SECONDS);
            events.awaitTermination(Duration.ofSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("{}: close did not finish in time", name);
        }
    }

    // ---- connecting ----

    private void attempt() {
        if (phase == Phase.CLOSED) {
            return;
        }
        phase = Phase.CONNECTING;
        Duration timeout = options.connectTimeout();
        Connection c = new Connection(uri, (int) timeout.toMillis(), control, this, name + "#" + ++connections);
        connection = c;
        deadline = control.schedule(() -> {
            if (connection == c && (phase == Phase.CONNECTING || phase == Phase.HELLO)) {
                c.abort(Disconnect.CONNECT_TIMEOUT, "not welcomed within " + timeout.toMillis() + " ms");
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        LOG.debug("{}: connecting to {}", c, uri);
        c.connect();
    }

    @Override
    public void opened(Connection c) {
        if (c != connection || phase != Phase.CONNECTING) {
            return;
        }
        String token;
        try {
            token = options.tokenSupplier().get();
        } catch (RuntimeException e) {
            LOG.warn("{}: the token supplier failed", c, e);
            c.abort(Disconnect.NO_TOKEN, "the token supplier failed: " + e);
            return;
        }
        phase = Phase.HELLO;
        RequestId id = requests.nextId();
        internal.put(id, reply -> hello(c, reply));
        ServerEvent.Welcome previous = welcome;
        c.send(new Command.Hello(id, options.nick(), token, previous == null ? null : previous.resume()));
    }

    /** Asks the supplier for a new token and sends {@code refresh} on {@code c}. */
    private void refresh(Connection c, Long exp) {
        if (connection != c || phase == Phase.CLOSED) {
            return;
        }
        String token;
        try {
            token = options.tokenSupplier().get();
        } catch (RuntimeException e) {
            LOG.warn("{}: the token supplier failed; the server will close the session when its token expires", c, e);
            return;
        }
        RequestId id = requests.nextId();
        internal.put(id, reply -> refreshed(c, exp, reply));
        c.send(new Command.Refresh(id, token));
    }

    private void refreshed(Connection c, Long previousExp, ServerEvent.Reply reply) {
        if (reply instanceof ServerEvent.Refreshed r && r.exp() != null && r.exp() > previousExp) {
            refresher.schedule(r.exp(), () -> refresh(c, r.exp()));
        } else if (reply instanceof ServerEvent.Refreshed) {
            LOG.debug("{}: the token supplier gave no token expiring later; asking again soon", c);
            refresher.retry(() -> refresh(c, previousExp));
        } else {
            LOG.warn("{}: refresh refused: {}", c, reply);
        }
    }

    private void hello(Connection c, ServerEvent.Reply reply) {
        if (reply instanceof ServerEvent.Welcome w) {
            welcomed(c, w);
        } else if (reply instanceof ServerEvent.Error error) {
            helloRefused(c, error);
        } else {
            c.abort(CloseCode.POLICY_VIOLATION.code(), "hello answered with " + reply);
        }
    }

    private void welcomed(Connection c, ServerEvent.Welcome w) {
        cancelDeadline();
        boolean first = welcome == null;
        welcome = w;
        watchdog.connected();
        heartbeat.start(c, w.heartbeatMs(), () -> c.send(new Command.Ping(HEARTBEAT_ID)),
                () -> c.abort(Disconnect.NO_HEARTBEAT, "the server stayed silent past its heartbeat"));
        refresher.schedule(w.exp(), () -> refresh(c, w.exp()));
        LOG.debug("{}: welcomed as {} ({})", c, w.nick(), w.session());
        Map<String, StreamPosition> joined = rooms.positions();
        if (first || joined.isEmpty()) {
            ready(!first);
            return;
        }
        phase = Phase.REJOINING;
        rejoinsLeft = joined.size();
        deadline = control.schedule(() -> {
            if (connection == c && phase == Phase.REJOINING) {
                c.abort(Disconnect.CONNECT_TIMEOUT, "rooms not re-joined within " + options.requestTimeout().toMillis() + " ms");
            }
        }, options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        joined.forEach((room, since) -> {
            RequestId id = requests.nextId();
            rooms.joinSent(room);
            internal.put(id, reply -> rejoined(room, reply));
            c.send(new Command.Join(id, room, since));
        });
    }

    private void rejoined(String room, ServerEvent.Reply reply) {
        if (reply instanceof ServerEvent.Joined joined) {
            memberCounts.joined(joined);
            deliver(rooms.joined(joined));
        } else {
            LOG.warn("{}: could not re-join '{}', left it: {}", name, room, reply);
            rooms.joinFailed(room);
            rooms.left(room);
            memberCounts.left(room);
        }
        if (--rejoinsLeft == 0) {
            cancelDeadline();
            ready(true);
        }
    }

    private void ready(boolean reconnected) {
        phase = Phase.READY;
        state = ConnectionState.CONNECTED;
        ServerEvent.Welcome w = welcome;
        events.event(l -> l.onConnected(w, reconnected));
        if (!reconnected) {
            events.complete(connected, w);
        } else {
            LOG.info("{}: reconnected", name);
        }
        for (Requests.Pending<?> p : requests.unpark()) {
            send(p);
        }
    }

    private void helloRefused(Connection c, ServerEvent.Error error) {
        if (state != ConnectionState.CONNECTING && error.code() == ErrorCode.NICK_TAKEN) {
            // The server may not have noticed yet that our previous connection is gone.
            LOG.debug("{}: nick still held, trying again", c);
            c.abort(CloseCode.NORMAL.code(), "nick still held");
        } else {
            terminate(new ParleyException(error.code(), error.message()));
        }
    }

    // ---- traffic ----

    private void submit(Requests.Pending<?> p) {
        if (!requests.isPending(p)) {
            return;
        }
        if (phase == Phase.READY) {
            send(p);
        } else if (phase == Phase.CLOSED) {
            requests.fail(p, closedException());
        } else if (options.whileReconnecting() == WhileReconnecting.FAIL) {
            requests.fail(p, new ParleyConnectionException("not connected: reconnecting", lastDisconnect));
        } else if (!requests.park(p)) {
            requests.fail(p, new ParleyConnectionException("not connected, and "
                    + options.maxWaitingRequests() + " requests are waiting already", lastDisconnect));
        }
    }

    private void send(Requests.Pending<?> p) {
        Command command = p.command;
        if (command instanceof Command.Join join) {
            // Joining a room again asks only for what this client has not seen.
            command = new Command.Join(join.id(), join.room(), rooms.since(join.room()));
            rooms.joinSent(join.room());
            joinsInFlight.put(join.id(), join.room());
        }
        p.sentOn = connection;
        connection.send(command);
    }

    @Override
    public void received(Connection c, ServerEvent event) {
        if (c != connection || phase == Phase.CLOSED) {
            return;
        }
        if (event instanceof ServerEvent.Reply reply) {
            replied(reply);
        } else if (event instanceof ServerEvent.RoomEvent roomEvent) {
            deliver(rooms.event(roomEvent));
        } else if (event instanceof ServerEvent.Read read) {
            events.event(l -> l.onRead(read));
        } else if (event instanceof ServerEvent.Presence presence) {
            memberCounts.presence(presence);
            events.event(l -> l.onPresence(presence));
        } else if (event instanceof ServerEvent.Occupancy occupancy) {
            memberCounts.occupancy(occupancy);
            events.event(l -> l.onOccupancy(occupancy));
        } else if (event instanceof ServerEvent.Typing typing) {
            events.event(l -> l.onTyping(typing));
        } else if (event instanceof ServerEvent.Dm dm) {
            events.event(l -> l.onDm(dm));
        }
    }

    private void replied(ServerEvent.Reply reply) {
        RequestId id = reply.id();
        if (id == null && reply instanceof ServerEvent.Joined joined) {
            joinedByServer(joined);
            return;
        }
        if (id == null) {
            LOG.warn("{}: the server reported {}", name, reply);
            return;
        }
        Consumer<ServerEvent.Reply> own = internal.remove(id);
        if (own != null) {
            own.accept(reply);
            return;
        }
        String joining = joinsInFlight.remove(id);
        Requests.Pending<?> p = requests.claim(id);
        if (reply instanceof ServerEvent.Joined joined) {
            RoomTracker.Outcome outcome = rooms.joined(joined);
            memberCounts.joined(joined);
            complete(p, reply);
            deliver(outcome);
            return;
        }
        if (joining != null) {
            deliver(rooms.joinFailed(joining));
        }
        if (reply instanceof ServerEvent.Left left) {
            rooms.left(left.room());
            memberCounts.left(left.room());
        }
        if (p == null && !HEARTBEAT_ID.equals(id)) {
            LOG.debug("{}: reply to no pending request (timed out or cancelled): {}", name, reply);
        }
        complete(p, reply);
    }

    /** The server put the session in a room; a room the client is in already is a duplicate, its re-join recovers it. */
    private void joinedByServer(ServerEvent.Joined joined) {
        if (rooms.joinedByServer(joined)) {
            memberCounts.joined(joined);
            events.event(l -> l.onJoined(joined));
        } else {
            LOG.debug("{}: the server joined '{}' again, already tracked", name, joined.room());
        }
    }

    private void complete(Requests.Pending<?> p, ServerEvent.Reply reply) {
        if (p != null) {
            requests.complete(p, reply);
        }
    }

    private void deliver(RoomTracker.Outcome outcome) {
        Gap gap = outcome.gap();
        if (gap != null) {
            LOG.info("{}: messages in '{}' after offset {} could not be recovered", name, gap.room(), gap.lastSeen().offset());
            events.event(l -> l.onGap(gap));
        }
        deliver(outcome.events());
    }

    private void deliver(List<ServerEvent.RoomEvent> roomEvents) {
        roomEvents.forEach(events::roomEvent);
    }

    // ---- losing the connection ----

    @Override
    public void closed(Connection c, Disconnect disconnect) {
        if (c != connection) {
            return;
        }
        connection = null;
        lastDisconnect = disconnect;
        cancelDeadline();
        heartbeat.stop();
        refresher.stop();
        internal.clear();
        joinsInFlight.clear();
        rooms.connectionLost();
        // An older server ignores nonces: a send sent again could be stored twice.
        requests.connectionLost(c, new ParleyConnectionException("the connection was lost before the reply", disconnect),
                welcome != null && welcome.features() != null);
        if (phase == Phase.CLOSED) {
            finishClose();
        } else if (state == ConnectionState.CONNECTING) {
            terminate(new ParleyConnectionException("could not connect to " + uri, disconnect));
        } else if (endsSession(disconnect)) {
            terminate(new ParleyConnectionException("the server ended the session", disconnect));
        } else {
            reconnect(disconnect);
        }
    }

    /** Close codes after which a reconnect would only be refused or fight another client over the session. */
    private static boolean endsSession(Disconnect disconnect) {
        return disconnect.remote() && (disconnect.code() == CloseCode.SESSION_REPLACED.code()
                || disconnect.code() == CloseCode.POLICY_VIOLATION.code());
    }

    private void reconnect(Disconnect disconnect) {
        Duration wait = watchdog.schedule(this::attempt);
        if (wait == null) {
            terminate(new ParleyConnectionException(options.reconnect().enabled() ? "gave up reconnecting after "
                    + watchdog.attempts() + " attempts" : "the connection was lost", disconnect));
            return;
        }
        LOG.info("{}: {} ({}); reconnect attempt {} in {} ms", name,
                state == ConnectionState.CONNECTED ? "connection lost" : "reconnect attempt failed", disconnect,
                watchdog.attempts(), wait.toMillis());
        phase = Phase.WAITING_TO_RECONNECT;
        if (state == ConnectionState.CONNECTED) {
            state = ConnectionState.RECONNECTING;
            events.event(l -> l.onDisconnected(disconnect));
        }
    }

    // ---- shutting down ----

    /** Ends the client for good because of {@code cause}. Control thread. */
    private void terminate(Throwable cause) {
        closing.set(true);
        LOG.info("{}: closed: {}", name, cause.getMessage());
        shutdown(cause);
    }

    /** Runs once, on the control thread: after {@link #close()} ({@code cause} null) or {@link #terminate}. */
    private void shutdown(Throwable cause) {
        if (phase == Phase.CLOSED) {
            return;
        }
        phase = Phase.CLOSED;
        state = ConnectionState.CLOSED;
        heartbeat.stop();
        refresher.stop();
        watchdog.cancel();
        cancelDeadline();
        if (cause == null) {
            requests.cancelAll();
            events.fail(connected, new CancellationException("the client was closed"));
        } else {
            requests.failAll(cause);
            events.fail(connected, cause);
        }
        requests.unpark();
        events.finish(cause);
        Connection c = connection;
        if (c == null) {
            finishClose();
        } else if (c.isOpen()) {
            c.close(CloseCode.NORMAL.code(), "bye");
            control.schedule(() -> {
                if (connection == c) {
                    c.abort(CloseCode.NORMAL.code(), "no close frame from the server");
                    finishClose();
                }
            }, CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } else {
            c.abort(CloseCode.NORMAL.code(), "closed while connecting");
            finishClose();
        }
    }

    /** The last step of a shutdown; idempotent. Callbacks that still come are turned away by the ended executor. */
    private void finishClose() {
        connection = null;
        control.shutdown();
        terminated.complete(null);
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    private static ParleyConnectionException closedException() {
        return new ParleyConnectionException("the client is closed", (Disconnect) null);
    }

    @Override
    public String toString() {
        return name;
    }
}
