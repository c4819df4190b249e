package dev.parley.loadtest.net;

import dev.parley.protocol.CloseCode;
import dev.parley.protocol.Command;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ParleyJson;
import dev.parley.protocol.RequestId;
import dev.parley.protocol.ServerEvent;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * One harness connection speaking the Parley protocol. Small on purpose (tens of thousands live
 * in one process): the channel, the nick, the requests awaiting replies and the listener.
 *
 * <p>Thread model: everything but {@link #request}, {@link #close} and the futures is confined to
 * the channel's event loop; {@link #send} and {@link #flush} must be called there (the paced
 * senders run there).
 */
public final class LoadSession {
    private final String nick;
    private final long openStartNanos;
    private final CompletableFuture<LoadSession> opened = new CompletableFuture<>();
    private final CompletableFuture<SessionClose> closed = new CompletableFuture<>();
    /** Requests awaiting their reply, by id; event loop only. */
    private final Map<Long, CompletableFuture<ServerEvent.Reply>> pending = new HashMap<>(4);
    private long lastRequestId;
    /** Set on the event loop before the connection's first event. */
    private volatile Channel channel;
    private volatile SessionListener listener = SessionListener.IGNORE;
    private volatile boolean closeRequested;
    private volatile long welcomeNanos;
    private Throwable failure;
    private int closeCode = CloseCode.ABNORMAL_CLOSURE;
    private String closeReason = "";

    LoadSession(String nick, long openStartNanos) {
        this.nick = nick;
        this.openStartNanos = openStartNanos;
    }

    void attach(Channel channel) {
        this.channel = channel;
        if (closeRequested) {
            channel.close();
        }
    }

    public String nick() {
        return nick;
    }

    public EventLoop eventLoop() {
        return channel.eventLoop();
    }

    /** Completes with this session once {@code welcome} arrived; fails with the cause otherwise. */
    public CompletableFuture<LoadSession> opened() {
        return opened;
    }

    /** Completes once the connection has ended. */
    public CompletableFuture<SessionClose> closed() {
        return closed;
    }

    /** Nanoseconds from the start of the TCP connect to {@code welcome}; 0 before welcome. */
    public long openNanos() {
        long welcome = welcomeNanos;
        return welcome == 0 ? 0 : welcome - openStartNanos;
    }

    public void listener(SessionListener listener) {
        this.listener = listener;
    }

    public boolean isOpen() {
        Channel c = channel;
        return c != null && c.isActive() && !closeRequested;
    }

    /** Whether the outbound buffer is below its high-water mark. */
    public boolean writable() {
        return channel.isWritable();
    }

    /**
     * Sends a command that carries a fresh id and completes with its reply (an {@code error}
     * reply completes it too). Any thread.
     */
    public CompletableFuture<ServerEvent.Reply> request(Function<RequestId, Command> command) {
        CompletableFuture<ServerEvent.Reply> reply = new CompletableFuture<>();
        EventLoop loop = channel.eventLoop();
        if (loop.inEventLoop()) {
            issue(command, reply);
        } else {
            loop.execute(() -> issue(command, reply));
        }
        return reply;
    }

    private void issue(Function<RequestId, Command> command, CompletableFuture<ServerEvent.Reply> reply) {
        if (!channel.isActive()) {
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
        String json = ParleyJson.write(command);
        channel.write(new TextWebSocketFrame(ByteBufUtil.writeUtf8(channel.alloc(), json)), channel.voidPromise());
    }

    /** Flushes what {@link #send} wrote; event loop only. */
    public void flush() {
        channel.flush();
    }

    /** Closes with 1000 (idempotent); completes with {@link #closed()}. Any thread. */
    public CompletableFuture<SessionClose> close() {
        closeRequested = true;
        Channel c = channel;
        if (c != null) {
            c.close();
        }
        return closed;
    }

    void handshakeComplete() {
        request(id -> new Command.Hello(id, nick, null, null)).whenComplete((reply, error) -> {
            if (reply instanceof ServerEvent.Welcome) {
                welcomeNanos = System.nanoTime();
                opened.complete(this);
            } else if (reply instanceof ServerEvent.Error e) {
                fail(new SessionFailure("hello error " + wireName(e.code())));
                channel.close();
            } else if (error == null) {
                fail(new SessionFailure("hello answered with " + reply.getClass().getSimpleName()));
                channel.close();
            }
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
    }

    void fail(Throwable cause) {
        if (failure == null) {
            failure = cause;
        }
    }

    void inactive() {
        String cause = failure != null ? FailureCause.of(failure)
                : closeCode == CloseCode.ABNORMAL_CLOSURE ? "closed before welcome"
                : "closed " + closeCode + " before welcome";
        SessionFailure ended = new SessionFailure(cause);
        for (CompletableFuture<ServerEvent.Reply> waiting : pending.values()) {
            waiting.completeExceptionally(ended);
        }
        pending.clear();
        if (opened.completeExceptionally(ended)) {
            closed.complete(new SessionClose(closeCode, closeReason, closeRequested));
            return;
        }
        SessionClose close = new SessionClose(closeCode, closeReason, closeRequested);
        closed.complete(close);
        listener.onClosed(this, close);
    }

    /** Fails the opening when the TCP connect itself failed. */
    void connectFailed(Throwable cause) {
        opened.completeExceptionally(cause);
        for (CompletableFuture<ServerEvent.Reply> waiting : pending.values()) {
            waiting.completeExceptionally(cause);
        }
        closed.complete(new SessionClose(CloseCode.ABNORMAL_CLOSURE, "not connected", closeRequested));
    }

    private static String wireName(ErrorCode code) {
        return code == null ? "unknown" : code.wireName();
    }

    @Override
    public String toString() {
        return "session " + nick;
    }
}
