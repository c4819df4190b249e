package dev.parley.server.hooks;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One attempt at a webhook: a signed POST through the node's {@link HookClient} under the
 * webhook's own id, counted in the metrics ({@code parley.webhooks.delivered}, {@code .failed},
 * {@code .retried}, the {@code .latency} from the webhook's making to its 2xx). Whoever keeps the
 * webhooks (the memory queue, the outbox) decides what comes after: the next of its room after a
 * 2xx, a retry after {@link #retryDelayMs} otherwise.
 */
public final class WebhookSender {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookSender.class);
    /** Longest wait for one attempt's answer. */
    static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(10);
    private static final long FIRST_RETRY_MS = 250;
    /** Longest wait between two attempts of one webhook. */
    static final long MAX_RETRY_MS = 60_000;
    private static final long DROP_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final HookClient client;
    private final URI url;
    private final int maxInFlight;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Counter delivered;
    private final Counter failed;
    private final Counter retried;
    private final Timer latency;
    private final Counter dropped;
    private final AtomicLong droppedSinceLog = new AtomicLong();
    private final AtomicLong lastDropLog = new AtomicLong(System.nanoTime() - DROP_LOG_INTERVAL_NANOS);

    /**
     * {@code maxInFlight}: the most webhook attempts in flight at once, less than the client's own
     * bound so that a backlog of webhooks leaves room for the hooks a session waits on.
     */
    public WebhookSender(HookClient client, URI url, int maxInFlight, MeterRegistry registry) {
        this.client = client;
        this.url = url;
        this.maxInFlight = maxInFlight;
        this.delivered = Counter.builder("parley.webhooks.delivered").description("Webhooks the backend answered 2xx")
                .register(registry);
        this.failed = Counter.builder("parley.webhooks.failed")
                .description("Webhook attempts without a 2xx (each is retried)").register(registry);
        this.retried = Counter.builder("parley.webhooks.retried").description("Webhook attempts after the first")
                .register(registry);
        this.latency = Timer.builder("parley.webhooks.latency").description("From a webhook's making to its 2xx")
                .register(registry);
        this.dropped = Counter.builder("parley.webhooks.dropped")
                .description("Webhooks never delivered: the memory queue was full, or the outbox could not be written")
                .register(registry);
    }

    /**
     * The webhook {@code id} of {@code type} will not be delivered ({@code why}): counted in {@code parley.webhooks.dropped}
     * and logged, with how many went since, at most once per {@link #DROP_LOG_INTERVAL_NANOS}.
     */
    public void dropped(String type, String id, String why) {
        dropped.increment();
        long count = droppedSinceLog.incrementAndGet();
        long last = lastDropLog.get();
        long now = System.nanoTime();
        if (now - last >= DROP_LOG_INTERVAL_NANOS && lastDropLog.compareAndSet(last, now)) {
            droppedSinceLog.addAndGet(-count);
            LOG.warn("{} webhooks dropped ({}), the last {} {}", count, why, type, id);
        }
    }

    /** Reports {@code pending} as the gauge {@code name}: the webhooks waiting (in memory, or rows of the outbox). */
    public static void gauge(MeterRegistry registry, String name, String description, Supplier<Number> pending) {
        Gauge.builder(name, pending).description(description).register(registry);
    }

    /**
     * Posts the webhook {@code id} with {@code body}, its {@code attempt}th try (0 the first),
     * made at {@code madeMs} (ms since the epoch); completes with whether the backend
     * answered 2xx, never exceptionally: false too, without a request, when {@code maxInFlight}
     * webhooks are in flight already (the caller retries it as a failed one).
     */
    public CompletableFuture<Boolean> attempt(String id, String body, int attempt, long madeMs) {
        if (attempt > 0) {
            retried.increment();
        }
        if (inFlight.incrementAndGet() > maxInFlight) {
            inFlight.decrementAndGet();
            LOG.debug("webhook {} waits: {} webhooks in flight already", id, maxInFlight);
            return CompletableFuture.completedFuture(false);
        }
        CompletableFuture<HookReply> reply;
        try {
            reply = client.post(url, id, body, ATTEMPT_TIMEOUT);
        } catch (RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
        }
        return reply.handle((answer, failure) -> {
            inFlight.decrementAndGet();
            if (answer != null && answer.succeeded()) {
                delivered.increment();
                latency.record(Math.max(0, System.currentTimeMillis() - madeMs), TimeUnit.MILLISECONDS);
                return true;
            }
            failed.increment();
            LOG.debug("webhook {} attempt {} failed: {}", id, attempt,
                    answer != null ? "status " + answer.status() : failure.getMessage());
            return false;
        });
    }

    /** How long to wait before the try after {@code attempts} failed ones: doubling, capped, with full jitter over its upper half. */
    public static long retryDelayMs(int attempts) {
        long ceiling = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS << Math.min(attempts, 20));
        return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    }
}
