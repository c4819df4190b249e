package dev.parley.client;

import dev.parley.protocol.Command;
import dev.parley.protocol.ParleyJson;
import dev.parley.protocol.RequestId;
import dev.parley.protocol.ServerEvent;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The application's requests between the call and the reply: each has an id, a future and a
 * timeout. A request is settled exactly once, by whichever comes first: its reply, its timeout,
 * the loss of the connection it went out on, or the client's close; the others then find it gone.
 *
 * <p>Requests are registered and cancelled from any thread (the map is concurrent); the queue of
 * requests waiting for a reconnect and each request's {@link Pending#sentOn} belong to the control
 * thread.
 */
final class Requests {

    /** One request of the application. */
    static final class Pending<R extends ServerEvent.Reply> {
        final RequestId id;
        final Command command;
        final Class<R> replyType;
        final CompletableFuture<R> future = new CompletableFuture<>();
        private volatile ScheduledFuture<?> timeout;
        /** The connection it went out on; {@code null} until sent. Control thread only. */
        Connection sentOn;

        private Pending(RequestId id, Command command, Class<R> replyType) {
            this.id = id;
            this.command = command;
            this.replyType = replyType;
        }

        @Override
        public String toString() {
            return ParleyJson.mapper().valueToTree(command).path("type").asText() + " #" + id;
        }
    }

    private final AtomicLong ids = new AtomicLong();
    private final ConcurrentMap<RequestId, Pending<?>> pending = new ConcurrentHashMap<>();
    private final Deque<Pending<?>> waiting = new ArrayDeque<>();
    private final EventDispatcher events;
    private final ScheduledExecutorService timer;
    private final Duration timeout;
    private final int maxWaiting;

    Requests(EventDispatcher events, ScheduledExecutorService timer, Duration timeout, int maxWaiting) {
        this.events = events;
        this.timer = timer;
        this.timeout = timeout;
        this.maxWaiting = maxWaiting;
    }

    /** A fresh id, for the application's requests and the client's own alike; ids grow in the order they are given. */
    RequestId nextId() {
        return RequestId.of(ids.incrementAndGet());
    }

    /**
     * Registers a request and starts its timeout. However its future completes, even by the
     * application's own {@code cancel}, the request is forgotten and its timer stopped.
     *
     * @throws RejectedExecutionException when the client's control thread has ended
     */
    <R extends ServerEvent.Reply> Pending<R> register(Function<RequestId, Command> command, Class<R> replyType) {
        RequestId id = nextId();
        Pending<R> p = new Pending<>(id, command.apply(id), replyType);
        pending.put(id, p);
        p.future.whenComplete((value, failure) -> {
            pending.remove(id, p);
            ScheduledFuture<?> t = p.timeout;
            if (t != null) {
                t.cancel(false);
            }
        });
        try {
            p.timeout = timer.schedule(() -> fail(p, new TimeoutException("no reply to " + p + " within " + timeout)),
                    timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            pending.remove(id, p);
            throw e;
        }
        if (p.future.isDone()) {
            p.timeout.cancel(false);
        }
        return p;
    }

    /** Whether {@code p} is still waiting to be settled. */
    boolean isPending(Pending<?> p) {
        return pending.get(p.id) == p;
    }

    /** Takes the request a reply with {@code id} answers, or {@code null} when none is waiting for it. */
    Pending<?> claim(RequestId id) {
        return pending.remove(id);
    }

    /** Settles a claimed request with its reply: the reply itself, or a {@link ParleyException} for an {@code error}. */
    <R extends ServerEvent.Reply> void complete(Pending<R> p, ServerEvent.Reply reply) {
        if (reply instanceof ServerEvent.Error error) {
            events.fail(p.future, new ParleyException(error.code(), error.message()));
        } else if (p.replyType.isInstance(reply)) {
            events.complete(p.future, p.replyType.cast(reply));
        } else {
            events.fail(p.future, new IllegalStateException("the server answered " + p + " with " + reply));
        }
    }

    /** Fails {@code p} unless it has been settled already. */
    void fail(Pending<?> p, Throwable failure) {
        if (pending.remove(p.id, p)) {
            events.fail(p.future, failure);
        }
    }

    /** Keeps {@code p} until the client is connected again; false when too many are waiting. Control thread. */
    boolean park(Pending<?> p) {
        if (waiting.size() >= maxWaiting) {
            return false;
        }
        waiting.add(p);
        return true;
    }

    /** The parked requests still pending, oldest first; the queue is emptied. Control thread. */
    List<Pending<?>> unpark() {
        List<Pending<?>> ready = new ArrayList<>(waiting.size());
        for (Pending<?> p : waiting) {
            if (isPending(p)) {
                ready.add(p);
            }
        }
        waiting.clear();
        return ready;
    }

    /**
     * {@code connection} is lost, and the replies to what went out on it will never come. With
     * {@code resend} (a server of version 1.2, which keeps nonces), a send with a nonce is parked to
     * go again, before the requests parked since and in the order it was first sent: the server
     * answers a repeated nonce with the first message's {@code ack} and stores nothing new. Every
     * other request that went out on it fails. Control thread.
     */
    void connectionLost(Connection connection, Throwable failure, boolean resend) {
        List<Pending<?>> again = new ArrayList<>();
        for (Pending<?> p : pending.values()) {
            if (p.sentOn != connection) {
                continue;
            }
            if (resend && p.command instanceof Command.Send send && send.nonce() != null) {
                p.sentOn = null;
                again.add(p);
            } else {
                fail(p, failure);
            }
        }
        again.sort(Comparator.comparingLong(p -> (Long) p.id.value()));
        for (int i = again.size() - 1; i >= 0; i--) {
            if (waiting.size() < maxWaiting) {
                waiting.addFirst(again.get(i));
            } else {
                fail(again.get(i), failure);
            }
        }
    }

    /** Fails every pending request. */
    void failAll(Throwable failure) {
        for (Pending<?> p : pending.values()) {
            fail(p, failure);
        }
    }

    /** Cancels every pending request here and now, with {@link java.util.concurrent.CancellationException}. */
    void cancelAll() {
        for (Pending<?> p : pending.values()) {
            if (pending.remove(p.id, p)) {
                p.future.cancel(false);
            }
        }
    }
}
