package dev.parley.server.node;

import dev.parley.server.hooks.WebhookSender;
import dev.parley.server.store.WebhookLanes;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Delivers an outbox of lanes ({@link WebhookLanes}: the database's with durable history, the
 * rooms' in Redis in a cluster without one), on every node of a cluster: every
 * {@link WebhookLanes.Pace#lookMs} it looks for lanes with waiting webhooks and takes the lease of those
 * no live node holds (and a lane it is {@link #wake woken} for at once); a lane it holds it delivers
 * one webhook at a time, oldest first, renewing its lease before each attempt (and all its leases
 * every third of {@link WebhookLanes.Pace#leaseMs}): a 2xx deletes the row and the next follows, a
 * failure counts an attempt and the same row is tried again after
 * {@link WebhookSender#retryDelayMs backoff}. An empty lane's lease is let go. A node that stops
 * lets go of its leases; one that dies leaves them to expire, when another node (or this one,
 * restarted) takes its lanes over. The outbox's failures end a lane's turn here; the next look
 * takes it up again.
 */
final class OutboxDeliverer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxDeliverer.class);
    private static final long SIZE_INTERVAL_MS = 2_000;
    private static final int LANES_PER_LOOK = 256;

    private final WebhookLanes outbox;
    private final long leaseMs;
    private final WebhookSender sender;
    /** This node's name as a lease holder, new at each start. */
    private final String holder = holderName();
    /** Lanes this node holds and delivers now. */
    private final Set<String> delivering = ConcurrentHashMap.newKeySet();
    private final AtomicLong rows = new AtomicLong();
    private final ScheduledExecutorService timers =
            Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("parley-webhook-outbox", true));
    /** Where the last look ended: the next goes on from there, so that every lane gets its turn. */
    private volatile String lookFrom = "";
    private volatile boolean closed;

    OutboxDeliverer(WebhookLanes outbox, WebhookSender sender, MeterRegistry registry) {
        this.outbox = outbox;
        this.sender = sender;
        this.leaseMs = outbox.pace().leaseMs();
        WebhookSender.gauge(registry, "parley.webhooks.outbox",
                "Webhooks waiting in the outbox (on Redis: in the rooms this node delivers)", rows::get);
        timers.scheduleWithFixedDelay(this::look, 0, outbox.pace().lookMs(), TimeUnit.MILLISECONDS);
        timers.scheduleWithFixedDelay(() -> outbox.size().thenAccept(rows::set), 0, SIZE_INTERVAL_MS,
                TimeUnit.MILLISECONDS);
        long renewMs = leaseMs / 3;
        timers.scheduleWithFixedDelay(() -> outbox.renew(holder, leaseMs), renewMs, renewMs, TimeUnit.MILLISECONDS);
    }

    private void look() {
        try {
            WebhookLanes.Look look = outbox.lanes(lookFrom, LANES_PER_LOOK).get(leaseMs, TimeUnit.MILLISECONDS);
            lookFrom = look.next();
            look.lanes().forEach(this::wake);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.debug("looking for webhooks to deliver failed: {}", e.getMessage());
        }
    }

    /** Delivers {@code lane} unless this node does already: a lane found by a look, or one this node just added to. */
    void wake(String lane) {
        if (!closed && delivering.add(lane)) {
            next(lane);
        }
    }

    /** Delivers the oldest webhook of {@code lane}, if this node (still) holds it. */
    private void next(String lane) {
        if (closed) {
            return;
        }
        outbox.lease(lane, holder, leaseMs).thenCompose(held -> !held ? CompletableFuture.completedFuture(false)
                : outbox.head(lane).thenCompose(head -> head.isEmpty()
                        ? outbox.release(lane, holder).thenApply(released -> !released && again(lane))
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
    private CompletableFuture<Void> attempt(String lane, WebhookLanes.Row row) {
        return sender.attempt(row.id(), row.body(), row.attempts(), row.madeMs()).thenCompose(delivered -> delivered
                ? outbox.delivered(lane, row).thenRun(() -> next(lane))
                : outbox.failed(lane, row).thenRun(() -> later(lane, WebhookSender.retryDelayMs(row.attempts()))));
    }

    /** Webhooks came to {@code lane} while it was let go: its next step at once. */
    private boolean again(String lane) {
        later(lane, 0);
        return true;
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
        outbox.releaseAll(holder); // sent before the outbox's connections close (the database waits for its small writes)
    }
}
