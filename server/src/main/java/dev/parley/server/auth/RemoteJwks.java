package dev.parley.server.auth;

import com.nimbusds.jose.jwk.JWKSet;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The keys an identity provider publishes at a JWKS URL, fetched with the JDK's asynchronous
 * {@link HttpClient} on threads of their own (never on an event loop), kept, and fetched again every
 * {@code refreshEvery} and when a token names a key they lack, at most once per {@code minOnDemand}
 * (so that tokens with made-up key ids cannot make Parley flood the provider). A fetch that fails
 * (no answer within {@value #FETCH_TIMEOUT_SECONDS} s, not 200, not a JWKS, no key, over
 * {@value #MAX_BYTES} bytes by its length) keeps the last good keys. Thread-safe.
 *
 * <p>Nimbus's {@code JWKSourceBuilder} does the same caching, but fetches synchronously on the
 * thread that asks for a key it lacks, which here would be an event loop.
 */
public final class RemoteJwks implements AutoCloseable {
    /** How often the keys are fetched again, whatever the tokens name. */
    public static final Duration REFRESH_EVERY = Duration.ofMinutes(5);
    /** The least time between two fetches for tokens with unknown keys. */
    public static final Duration MIN_ON_DEMAND = Duration.ofSeconds(30);
    static final long FETCH_TIMEOUT_SECONDS = 10;
    /** A longer document (by its {@code content-length}) is refused unread; real ones are a few kilobytes. */
    static final long MAX_BYTES = 1 << 20;
    private static final Logger LOG = LoggerFactory.getLogger(RemoteJwks.class);

    private final URI url;
    private final Duration minOnDemand;
    private final LongSupplier nanoClock;
    private final ScheduledExecutorService executor;
    private final HttpClient http;
    private volatile JWKSet keys = new JWKSet();
    /** The fetch under way, or null; guarded by this. */
    private CompletableFuture<Void> fetching;
    /** When the last fetch for an unknown key started ({@code nanoClock}), or null; guarded by this. */
    private Long lastOnDemand;

    /** Fetches {@code url} now and every {@code refreshEvery}; {@code nanoClock} times the on-demand fetches. */
    public RemoteJwks(URI url, Duration refreshEvery, Duration minOnDemand, LongSupplier nanoClock) {
        this.url = url;
        this.minOnDemand = minOnDemand;
        this.nanoClock = nanoClock;
        this.executor = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("parley-jwks", true));
        this.http = HttpClient.newBuilder().executor(executor).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(FETCH_TIMEOUT_SECONDS)).build();
        long every = refreshEvery.toMillis();
        executor.scheduleAtFixedRate(this::fetch, 0, every, TimeUnit.MILLISECONDS);
    }

    /** The last keys fetched, a new object whenever they changed; none before the first fetch succeeds. */
    public JWKSet keys() {
        return keys;
    }

    /**
     * A token names a key that {@link #keys()} lacks: completes once a fetch is through (the one under
     * way, or a new one unless the last one for an unknown key started within {@code minOnDemand});
     * at once when there is none to wait for. Never fails.
     */
    public synchronized CompletableFuture<Void> refreshForUnknownKey() {
        if (fetching != null) {
            return fetching;
        }
        long now = nanoClock.getAsLong();
        if (lastOnDemand != null && now - lastOnDemand < minOnDemand.toNanos()) {
            return CompletableFuture.completedFuture(null);
        }
        lastOnDemand = now;
        return fetch();
    }

    /** Fetches the keys unless a fetch is under way; completes when it is through, never failing. */
    private synchronized CompletableFuture<Void> fetch() {
        if (fetching != null) {
            return fetching;
        }
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(FETCH_TIMEOUT_SECONDS))
                .header("accept", "application/json").GET().build();
        CompletableFuture<Void> fetch;
        try {
            fetch = http.sendAsync(request, RemoteJwks::body)
                    .orTimeout(FETCH_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .thenAccept(this::accept)
                    .exceptionally(failure -> {
                        LOG.warn("fetching the JWT keys from {} failed, keeping the last ones: {}", url,
                                failure.getCause() == null ? failure.toString() : failure.getCause().toString());
                        return null;
                    });
        } catch (RuntimeException e) {
            LOG.warn("fetching the JWT keys from {} failed, keeping the last ones: {}", url, e.toString());
            return CompletableFuture.completedFuture(null);
        }
        fetching = fetch;
        fetch.whenComplete((done, failure) -> {
            synchronized (this) {
                fetching = null;
            }
        });
        return fetch;
    }

    /** The body as a string when the answer is 200 and not too long; otherwise fails the fetch. */
    private static HttpResponse.BodySubscriber<String> body(HttpResponse.ResponseInfo info) {
        if (info.statusCode() != 200) {
            return HttpResponse.BodySubscribers.replacing(null);
        }
        if (info.headers().firstValueAsLong("content-length").orElse(0) > MAX_BYTES) {
            return HttpResponse.BodySubscribers.replacing(null);
        }
        return HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8);
    }

    private void accept(HttpResponse<String> response) {
        if (response.body() == null) {
            throw new IllegalStateException("the answer was " + response.statusCode()
                    + (response.statusCode() == 200 ? ", longer than " + MAX_BYTES + " bytes" : ", not 200"));
        }
        JWKSet fetched;
        try {
            // Public keys alone: a secret or private key published by mistake is not used.
            fetched = JWKSet.parse(response.body()).toPublicJWKSet();
        } catch (ParseException e) {
            throw new IllegalStateException("not a JWKS document: " + e.getMessage());
        }
        if (fetched.getKeys().isEmpty()) {
            throw new IllegalStateException("a JWKS document without public keys");
        }
        if (!fetched.getKeys().equals(keys.getKeys())) {
            keys = fetched;
            LOG.info("JWT keys fetched from {}: {}", url, fetched.getKeys().stream().map(k -> String.valueOf(k.getKeyID())).toList());
        }
    }

    /** Stops fetching. */
    @Override
    public void close() {
        executor.shutdownNow();
    }
}
