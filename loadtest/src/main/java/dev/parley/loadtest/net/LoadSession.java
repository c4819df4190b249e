package dev.parley.loadtest.net;

import dev.parley.protocol.CloseCode;
import dev.parley.protocol.Command;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.JsonBytes;
import dev.parley.protocol.ParleyJson;
import dev.parley.protocol.RequestId;
import dev.parley.protocol.ServerEvent;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One harness session speaking the Parley protocol, over one connection at a time. Small on
 * purpose (tens of thousands live in one process): the current channel, the nick, the resume
 * secret, the requests awaiting replies and the listener.
 *
 * <p>Lifecycle: connecting → {@code welcome} ({@link #opened()} completes) → usable. When the
 * server closes the connection with 1001 (or 1012) or it drops, and {@link Reconnection} allows, the session
 * reconnects through the client's URLs with jittered backoff, says {@code hello} with its resume
 * secret, lets the listener re-join ({@link SessionListener#onResumed}) and is usable again; any
 * other end, a {@link #close()}, or giving up ends it for good ({@link #closed()} completes).
 *
 * <p>Thread model: the session keeps one event loop for all its connections; everything but
 * {@link #request}, {@link #close} and the futures is confined to it, and {@link #send} and
 * {@link #flush} must be called there (the paced senders run there).
 */
public final class LoadSession {
    private final String nick;
    private final LoadClient client;
    private final EventLoop loop;
    private final long openStartNanos;
    private final CompletableFuture<LoadSession> opened = new CompletableFuture<>();
    private final CompletableFuture<SessionClose> closed = new CompletableFuture<>();
    /** Requests awaiting their reply, by id; event loop only. */
    private final Map<Long, CompletableFuture<ServerEvent.Reply>> pending = new HashMap<>(4);
    private long lastRequestId;
    private volatile Channel channel;
    private volatile SessionListener listener = SessionListener.IGNORE;
    private volatile boolean closeRequested;
    /** Welcomed (and, after a reconnect, back in its rooms): commands may be sent. */
    private volatile boolean usable;
    private volatile long welcomeNanos;
    /** The URL of the current connection; event loop only, like everything below. */
    private int target;
    private String resumeSecret;
    /** Whether the current connection reached {@code welcome}. */
    private boolean welcomed;
    /** Reconnect attempts since the connection was lost; 0 while connected. */
    private int attempt;
    private long lostNanos;
    private ScheduledFuture<?> reconnectTimer;
    private Throwable failure;
    private int closeCode = CloseCode.ABNORMAL_CLOSURE;
    private String closeReason = "";

    LoadSession(String nick, LoadClient client, EventLoop loop, int target, long openStartNanos) {
        this.nick = nick;
        this.client = client;
        this.loop = loop;
        this.target = target;
        this.openStartNanos = openStartNanos;
    }

    /** A new connection of this session; on the event loop, before its first event. */
    void attach(Channel channel) {
        this.channel = channel;
        welcomed = false;
        failure = null;
        closeCode = CloseCode.ABNORMAL_CLOSURE;
        closeReason = "";
        if (closeRequested) {
            channel.close();
        }
    }

    public String nick() {
        return nick;
    }

    /** The event loop of every connection of this session. */
    public EventLoop eventLoop() {
        return loop;
    }

    /** Completes with this session once the first {@code welcome} arrived; fails with the cause otherwise. */
    public CompletableFuture<LoadSession> opened() {
        return opened;
    }

    /** Completes once the session has ended for good. */
    public CompletableFuture<SessionClose> closed() {
        return closed;
    }

    /** Nanoseconds from the start of the first TCP connect to the first {@code welcome}; 0 before. */
    public long openNanos() {
        long welcome = welcomeNanos;
        return welcome == 0 ? 0 : welcome - openStartNanos;
    }

    public void listener(SessionListener listener) {
        this.listener = listener;
    }

    /** Whether commands may be sent now: connected, welcomed, not reconnecting and not closing. */
    public boolean isOpen() {
        Channel c = channel;
        return usable && c != null && c.isActive() && !closeRequested;
    }

    /** Whether the session has ended for good (it will not reconnect). */
    public boolean isEnded() {
        return closed.isDone();
    }

    /** Whether the outbound buffer is below its high-water mark. */
    public boolean writable() {
        Channel c = channel;
        return c != null && c.isWritable();
    }

    /**
     * Sends a command that carries a fresh id and completes with its reply (an {@code error}
     * reply completes it too). Any thread.
     */
    public CompletableFuture<ServerEvent.Reply> request(Function<RequestId, Command> command) {
        CompletableFuture<ServerEvent.Reply> reply = new CompletableFuture<>();
        if (loop.inEventLoop()) {
            issue(command, reply);
        } else {
            loop.execute(() -> issue(command, reply));
        }
        return reply;
    }

    private void issue(Function<RequestId, Command> command, CompletableFuture<ServerEvent.Reply> reply) {
        Channel c = channel;
        if (c == null || !c.isActive()) {
            reply.completeExceptionally(new SessionFailure("closed"));
            return;
        }
        long id = ++lastRequestId;
        pending.put(id, reply);
        send(command.apply(RequestId.of(id)));
        flush();
    }

    /** Writes a command without flushing; event loop only. */
    public void send(Command command) {
        JsonBytes json = JsonBytes.ofThisThread();
        ParleyJson.write(command, json);
        channel.write(new TextWebSocketFrame(channel.alloc().buffer(json.size()).writeBytes(json.array(), 0, json.size())),
                channel.voidPromise());
    }

    /** Flushes what {@link #send} wrote; event loop only. */
    public void flush() {
        channel.flush();
    }

    /** Closes with 1000 and stops reconnecting (idempotent); completes with {@link #closed()}. Any thread. */
    public CompletableFuture<SessionClose> close() {
        closeRequested = true;
        loop.execute(() -> {
            Channel c = channel;
            if (reconnectTimer != null) {
                reconnectTimer.cancel(false);
                reconnectTimer = null;
                end(new SessionClose(closeCode, closeReason, true));
            } else if (c != null) {
                c.close();
            }
        });
        return closed;
    }

    void handshakeComplete() {
        Channel connection = channel;
        ScheduledFuture<?> helloTimeout = loop.schedule(() -> {
            if (!welcomed) {
                fail(new SessionFailure("no welcome in time"));
                connection.close();
            }
        }, client.timeoutMs(), TimeUnit.MILLISECONDS);
        connection.closeFuture().addListener(done -> helloTimeout.cancel(false));
        request(id -> new Command.Hello(id, nick, null, resumeSecret)).whenComplete((reply, error) -> {
            if (reply instanceof ServerEvent.Welcome welcome) {
                welcomed(welcome);
            } else if (reply instanceof ServerEvent.Error e) {
                fail(new SessionFailure("hello error " + wireName(e.code())));
                connection.close();
            } else if (error == null) {
                fail(new SessionFailure("hello answered with " + reply.getClass().getSimpleName()));
                connection.close();
            }
        });
    }

    private void welcomed(ServerEvent.Welcome welcome) {
        welcomed = true;
        resumeSecret = welcome.resume();
        if (attempt == 0) {
            welcomeNanos = System.nanoTime();
            usable = true;
            opened.complete(this);
            return;
        }
        Channel connection = channel;
        listener.onResumed(this).whenComplete((ok, error) -> {
            if (channel != connection || !connection.isActive()) {
                return;
            }
            if (error != null) {
                fail(error);
                connection.close();
                return;
            }
            client.reconnects().resumed(System.nanoTime() - lostNanos);
            attempt = 0;
            usable = true;
        });
    }

    void received(ServerEvent event, long receivedNanos) {
        if (event instanceof ServerEvent.Reply reply && reply.id() != null
                && reply.id().value() instanceof Long id) {
            CompletableFuture<ServerEvent.Reply> waiting = pending.remove(id);
            if (waiting != null) {
                waiting.complete(reply);
                return;
            }
        }
        listener.onEvent(this, event, receivedNanos);
    }

    void unreadable(String problem) {
        listener.onUnreadable(this, problem);
    }

    void closeFrame(int code, String reason) {
        closeCode = code;
        closeReason = reason;
        if (welcomed && attempt == 0 && reconnects(code)) {
            lostNanos = System.nanoTime();
        }
    }

    void fail(Throwable cause) {
        if (failure == null) {
            failure = cause;
        }
    }

    void inactive() {
        usable = false;
        SessionFailure ended = new SessionFailure(failure != null ? FailureCause.of(failure)
                : closeCode == CloseCode.ABNORMAL_CLOSURE ? "closed before welcome"
                : "closed " + closeCode + " before welcome");
        for (CompletableFuture<ServerEvent.Reply> waiting : pending.values()) {
            waiting.completeExceptionally(ended);
        }
        pending.clear();
        SessionClose close = new SessionClose(closeCode, closeReason, closeRequested);
        if (!opened.isDone()) {
            opened.completeExceptionally(ended);
            closed.complete(close);
        } else if (attempt > 0) {
            client.reconnects().attemptFailed(failure != null ? FailureCause.of(failure) : "closed " + closeCode);
            retry(close);
        } else if (!closeRequested && client.reconnection().enabled() && reconnects(closeCode)) {
            if (closeCode == CloseCode.ABNORMAL_CLOSURE) {
                lostNanos = System.nanoTime();
            }
            client.reconnects().lost();
            listener.onDisconnected(this, close);
            retry(close);
        } else {
            end(close);
        }
    }

    /** Fails the opening, or this reconnect attempt, when the TCP connect itself failed. */
    void connectFailed(Throwable cause) {
        if (!opened.isDone()) {
            opened.completeExceptionally(cause);
            closed.complete(new SessionClose(CloseCode.ABNORMAL_CLOSURE, "not connected", closeRequested));
        } else {
            client.reconnects().attemptFailed(FailureCause.of(cause));
            retry(new SessionClose(CloseCode.ABNORMAL_CLOSURE, "not connected", closeRequested));
        }
    }

    /** Schedules the next reconnect attempt through the next URL, or ends the session. */
    private void retry(SessionClose last) {
        Reconnection policy = client.reconnection();
        if (closeRequested || System.nanoTime() - lostNanos > TimeUnit.MILLISECONDS.toNanos(policy.giveUpMs())) {
            if (!closeRequested) {
                client.reconnects().gaveUp();
            }
            end(new SessionClose(last.code(), closeRequested ? last.reason() : "gave up reconnecting", closeRequested));
            return;
        }
        attempt++;
        client.reconnects().attempt();
        target = (target + 1) % client.targetCount();
        long delayMs = policy.delayMs(attempt, ThreadLocalRandom.current().nextDouble());
        reconnectTimer = loop.schedule(() -> {
            reconnectTimer = null;
            client.connect(this, target);
        }, delayMs, TimeUnit.MILLISECONDS);
    }

    private void end(SessionClose close) {
        if (closed.complete(close)) {
            listener.onClosed(this, close);
        }
    }

    /**
     * Whether a connection closed with {@code code} is worth coming back for: a stopping server, a
     * drop, or a clustered server's 1012 (a room's history was lost: reconnect and recover).
     */
    private static boolean reconnects(int code) {
        return code == CloseCode.GOING_AWAY.code() || code == CloseCode.ABNORMAL_CLOSURE
                || code == CloseCode.SERVICE_RESTART.code();
    }

    private static String wireName(ErrorCode code) {
        return code == null ? "unknown" : code.wireName();
    }

    @Override
    public String toString() {
        return "session " + nick;
    }
}
