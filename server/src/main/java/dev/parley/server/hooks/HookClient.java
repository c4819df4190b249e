package dev.parley.server.hooks;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The one HTTP client of a node's hooks: every request a {@code POST} of a JSON body signed as
 * Standard Webhooks says ({@code webhook-id}, {@code webhook-timestamp}, {@code webhook-signature}),
 * over the JDK's {@link HttpClient} (asynchronous, keep-alive connections pooled per backend, its own
 * threads: nothing runs on an event loop). At most {@code maxInFlight} requests at once, a timeout on
 * the connect and on the whole exchange (a backend that drips its answer is cut off), no redirects
 * followed, answers of at most {@link #MAX_REPLY_BYTES}. Anything short of an answer fails the
 * result with {@link HookFailure}; a non-2xx answer is an answer ({@link HookReply#succeeded()}).
 */
public final class HookClient implements AutoCloseable {
    /** The most of an answer read; a longer one fails the request. */
    public static final int MAX_REPLY_BYTES = 64 * 1024;

    private final ExecutorService executor;
    private final HttpClient http;
    private final HookSecret secret;
    private final int maxInFlight;
    private final LongSupplier clock;
    private final AtomicInteger inFlight = new AtomicInteger();

    /** {@code clock}: milliseconds since the epoch, for {@code webhook-timestamp}. */
    public HookClient(HookSecret secret, int maxInFlight, Duration connectTimeout, LongSupplier clock) {
        this.secret = secret;
        this.maxInFlight = maxInFlight;
        this.clock = clock;
        // Its own daemon threads, so that close() ends them (Java 17's client has no close of its own).
        this.executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "parley-hooks");
            thread.setDaemon(true);
            return thread;
        });
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(connectTimeout).build();
    }

    /** Posts {@code body} to {@code url} under a new {@code webhook-id}. */
    public CompletableFuture<HookReply> post(URI url, String body, Duration timeout) {
        return post(url, "msg_" + UUID.randomUUID(), body, timeout);
    }

    /**
     * Posts {@code body} to {@code url} as the request {@code id} (a webhook keeps its id across
     * retries); completes with the answer, or fails with {@link HookFailure} when there is none
     * within {@code timeout}.
     */
    public CompletableFuture<HookReply> post(URI url, String id, String body, Duration timeout) {
        if (inFlight.incrementAndGet() > maxInFlight) {
            inFlight.decrementAndGet();
            return CompletableFuture.failedFuture(new HookFailure(maxInFlight + " hook requests in flight already"));
        }
        long timestamp = clock.getAsLong() / 1000;
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout)
                .header("content-type", "application/json")
                .header("webhook-id", id)
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", secret.sign(id, timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        CompletableFuture<HttpResponse<String>> exchange;
        try {
            exchange = http.sendAsync(request, info -> new LimitedBody());
        } catch (RuntimeException e) {
            inFlight.decrementAndGet();
            return CompletableFuture.failedFuture(new HookFailure("not sent: " + e.getMessage(), e));
        }
        CompletableFuture<HttpResponse<String>> bounded = exchange.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return bounded.handle((response, failure) -> {
            inFlight.decrementAndGet();
            if (failure != null) {
                bounded.cancel(true);
                exchange.cancel(true);
                throw failure(url, failure);
            }
            if (response.statusCode() >= 300 && response.statusCode() < 400) {
                throw new HookFailure(url + " answered a redirect (" + response.statusCode() + "), which is not followed");
            }
            return new HookReply(response.statusCode(), response.body());
        });
    }

    private static HookFailure failure(URI url, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof HookFailure hook) {
            return hook;
        }
        String what = cause instanceof TimeoutException || cause instanceof java.net.http.HttpTimeoutException
                ? "no answer in time" : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        return new HookFailure(url + ": " + what, cause);
    }

    /** Requests in flight now. */
    public int inFlight() {
        return inFlight.get();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    /** An answer's body as UTF-8, failing past {@link #MAX_REPLY_BYTES}. */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<String> {
        private final CompletableFuture<String> result = new CompletableFuture<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        @Override
        public CompletionStage<String> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                if (bytes.size() + buffer.remaining() > MAX_REPLY_BYTES) {
                    subscription.cancel();
                    result.completeExceptionally(new HookFailure("an answer longer than " + MAX_REPLY_BYTES + " bytes"));
                    return;
                }
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                bytes.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(bytes.toString(StandardCharsets.UTF_8));
        }
    }
}
