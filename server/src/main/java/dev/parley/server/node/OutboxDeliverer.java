package dev.parley.server.node;

import dev.parley.server.hooks.WebhookSender;
import dev.parley.server.store.WebhookOutbox;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Delivers the {@link WebhookOutbox} with durable history, on every node of a cluster: every
 * {@link #POLL_MS} it looks for lanes with waiting webhooks and takes the lease of those no live
 * node holds; a lane it holds it delivers one webhook at a time, oldest first, renewing its lease
 * before each attempt (and all its leases every {@link #RENEW_MS}): a 2xx deletes the row and the
 * next follows, a failure counts an attempt and the same row is tried again after
 * {@link WebhookSender#retryDelayMs backoff}. An empty lane's lease is let go. A node that stops
 * lets go of its leases; one that dies leaves them to expire after {@link #LEASE_MS}, when another
 * node (or this one, restarted) takes its lanes over. The database's failures end a lane's turn
 * here; the next look takes it up again.
 */
final class OutboxDeliverer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxDeliverer.class);
    static final long POLL_MS = 200;
    /** How long a lane stays with a node that no longer renews it (one that died). */
    static final long LEASE_MS = 30_000;
    static final long RENEW_MS = LEASE_MS / 3;
    private static final long SIZE_INTERVAL_MS = 2_000;
    private static final int LANES_PER_LOOK = 256;

    private final WebhookOutbox outbox;
    private final WebhookSender sender;
    /** This node's name as a lease holder, new at each start. */
    private final String holder = holderName();
    /** Lanes this node holds and delivers now. */
    private final Set<String> delivering = ConcurrentHashMap.newKeySet();
    private final AtomicLong rows = new AtomicLong();
    private final ScheduledExecutorService timers =
            Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("parley-webhook-outbox", true));
    /** The name of the last lane the last look found: the next look goes on from there, so that every lane gets its turn. */
    private volatile String lastLane = "";
    private volatile boolean closed;

    OutboxDeliverer(WebhookOutbox outbox, WebhookSender sender, MeterRegistry registry) {
        this.outbox = outbox;
        this.sender = sender;
        WebhookSender.gauge(registry, "parley.webhooks.outbox", "Webhooks waiting in the database's outbox", rows::get);
        timers.scheduleWithFixedDelay(this::look, 0, POLL_MS, TimeUnit.MILLISECONDS);
        timers.scheduleWithFixedDelay(() -> outbox.size().thenAccept(rows::set), 0, SIZE_INTERVAL_MS,
                TimeUnit.MILLISECONDS);
        timers.scheduleWithFixedDelay(() -> outbox.renew(holder, LEASE_MS), RENEW_MS, RENEW_MS, TimeUnit.MILLISECONDS);
    }

    private void look() {
        try {
            List<String> lanes = outbox.lanes(lastLane, LANES_PER_LOOK).get(LEASE_MS, TimeUnit.MILLISECONDS);
            lastLane = lanes.size() < LANES_PER_LOOK ? "" : lanes.get(lanes.size() - 1);
            lanes.forEach(this::start);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.debug("looking for webhooks to deliver failed: {}", e.getMessage());
        }
    }

    private void start(String lane) {
        if (!closed && delivering.add(lane)) {
            next(lane);
        }
    }

    /** Delivers the oldest webhook of {@code lane}, if this node (still) holds it. */
    private void next(String lane) {
        if (closed) {
            return;
        }
        outbox.lease(lane, holder, LEASE_MS).thenCompose(held -> !held ? CompletableFuture.completedFuture(false)
                : outbox.head(lane).thenCompose(head -> head.isEmpty()
                        ? outbox.release(lane, holder).thenApply(released -> false)
                        : attempt(lane, head.get()).thenApply(scheduled -> true)))
                .whenComplete((continuing, failure) -> {
                    if (failure != null) {
                        LOG.debug("delivering the webhooks of {} stopped: {}", lane, failure.getMessage());
                    }
                    if (failure != null || !continuing) {
                        delivering.remove(lane);
                    }
                });
    }

    /** One attempt at {@code row}; after it, the lane's next step (at once, or after the backoff). */
    private CompletableFuture<Void> attempt(String lane, WebhookOutbox.Row row) {
        return sender.attempt(row.id(), row.body(), row.attempts(), row.madeMs()).thenCompose(delivered -> delivered
                ? outbox.delivered(row.seq()).thenRun(() -> next(lane))
                : outbox.failed(row.seq()).thenRun(() -> later(lane, WebhookSender.retryDelayMs(row.attempts()))));
    }

    private void later(String lane, long delayMs) {
        try {
            timers.schedule(() -> next(lane), delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            delivering.remove(lane);
        }
    }

    private static String holderName() {
        byte[] name = new byte[9];
        new SecureRandom().nextBytes(name);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(name);
    }

    @Override
    public void close() {
        closed = true;
        timers.shutdownNow();
        outbox.releaseAll(holder); // written before the database closes, which waits for its small writes
    }
}
