package dev.parley.server.node;

import dev.parley.server.hooks.WebhookSender;
import dev.parley.server.store.Webhook;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Webhooks without a database: at most {@code max} held in this process until the backend answers
 * 2xx, each retried with {@link WebhookSender#retryDelayMs backoff} until then. A room's webhooks
 * wait in the room's line and go one at a time, in the order they were offered; lines of different
 * rooms, and webhooks that name no room, go in parallel (as many as the {@link WebhookSender} lets
 * be in flight; an attempt past that is retried like a failed one). One offered when {@code max} are held is
 * {@link WebhookSender#dropped dropped}. What is held dies with the process.
 */
final class WebhookQueue implements AutoCloseable {
    private record Pending(Webhook webhook, long madeMs) {
    }

    private final WebhookSender sender;
    private final int max;
    private final AtomicInteger held = new AtomicInteger();
    /** Each room's line, its head in flight (or waiting for its retry); a room without webhooks has none. Guarded by itself. */
    private final Map<String, ArrayDeque<Pending>> lines = new HashMap<>();
    private final ScheduledExecutorService sending =
            Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("parley-webhooks", true));
    private volatile boolean closed;

    WebhookQueue(WebhookSender sender, int max, MeterRegistry registry) {
        this.sender = sender;
        this.max = max;
        WebhookSender.gauge(registry, "parley.webhooks.queue", "Webhooks held in memory for the backend", held::get);
    }

    /** Holds {@code webhook} until it is delivered, or drops it when the queue is full. */
    void offer(Webhook webhook) {
        if (closed) {
            return;
        }
        if (held.incrementAndGet() > max) {
            held.decrementAndGet();
            sender.dropped(webhook.type(), webhook.id(), "the memory queue holds " + max);
            return;
        }
        Pending pending = new Pending(webhook, System.currentTimeMillis());
        boolean first = true;
        if (webhook.room() != null) {
            synchronized (lines) {
                ArrayDeque<Pending> line = lines.computeIfAbsent(webhook.room(), room -> new ArrayDeque<>());
                line.add(pending);
                first = line.size() == 1;
            }
        }
        if (first) {
            // Sent from the queue's thread: the caller may be an event loop, or hold a room's lock.
            later(webhook.room(), pending, 0, 0);
        }
    }

    private void send(String room, Pending pending, int attempt) {
        if (closed) {
            return;
        }
        sender.attempt(pending.webhook().id(), pending.webhook().body(), attempt, pending.madeMs()).thenAccept(ok -> {
            if (!ok) {
                later(room, pending, attempt + 1, WebhookSender.retryDelayMs(attempt));
                return;
            }
            held.decrementAndGet();
            if (room != null) {
                Pending next;
                synchronized (lines) {
                    ArrayDeque<Pending> line = lines.get(room);
                    line.poll();
                    next = line.peek();
                    if (next == null) {
                        lines.remove(room);
                    }
                }
                if (next != null) {
                    send(room, next, 0);
                }
            }
        });
    }

    private void later(String room, Pending pending, int attempt, long delayMs) {
        try {
            sending.schedule(() -> send(room, pending, attempt), delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // the node is stopping: what is held in memory ends with it
        }
    }

    /** Webhooks held now. */
    int held() {
        return held.get();
    }

    @Override
    public void close() {
        closed = true;
        sending.shutdownNow();
    }
}
