package dev.parley.server.node;

import dev.parley.server.broker.Broker;
import dev.parley.server.config.HookConfig;
import dev.parley.server.hooks.ConnectHook;
import dev.parley.server.hooks.HookClient;
import dev.parley.server.hooks.HookSecret;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * This node's hooks to the application's backend: their settings and the one {@link HookClient}
 * that makes their requests, made when a hook URL is set ({@link #NONE} otherwise) and closed with
 * the node.
 */
public final class Hooks implements AutoCloseable {
    /** No hook configured. */
    public static final Hooks NONE = new Hooks(null, null, null, null);
    /** How long a hook request may take to connect, whatever the hook's own timeout. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

    private final HookConfig config;
    private final HookClient client;
    private final ConnectHook connect;
    private final PublishHook publishHook;

    private Hooks(HookConfig config, HookClient client, ConnectHook connect, PublishHook publishHook) {
        this.config = config;
        this.client = client;
        this.connect = connect;
        this.publishHook = publishHook;
    }

    /**
     * The hooks {@code config} sets up, their requests stamped with {@code clock} (ms since the
     * epoch), their metrics in {@code registry}; a publish hook's replacement text may hold at most
     * {@code maxTextChars}, as a client's; the
     * {@code broker} knows the nonces a resend repeats.
     */
    public static Hooks of(HookConfig config, LongSupplier clock, MeterRegistry registry, int maxTextChars,
                           Broker broker) {
        if (!config.enabled()) {
            return NONE;
        }
        HookClient client = new HookClient(HookSecret.parse(config.hookSecret()), config.hookMaxInFlight(),
                config.hookMaxWaiting(), CONNECT_TIMEOUT, clock, registry);
        ConnectHook connect = config.connectHookUrl() == null ? null : new ConnectHook(client,
                HookConfig.uri(config.connectHookUrl()), Duration.ofMillis(config.connectHookTimeoutMs()));
        return new Hooks(config, client, connect, config.publishHookUrl() == null ? null
                : new PublishHook(client, config, maxTextChars, registry, broker));
    }

    /**
     * Readies the client for each hook's backend before the node reports ready (its connections open,
     * a request's code path and the publish hook's run for the JIT), so that a cold node under load from its first second does not refuse
     * sends while its first connections open; completes when done, or at once without hooks.
     */
    public CompletableFuture<Void> prepare() {
        if (client == null) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> publishWarm = publishHook == null ? CompletableFuture.completedFuture(null)
                : CompletableFuture.runAsync(() -> publishHook.warmUp(HookClient.WARM_UP_ROUNDS));
        return CompletableFuture.allOf(publishWarm, client.prepare(Stream.of(config.webhookUrl(),
                config.publishHookUrl(), config.connectHookUrl()).filter(Objects::nonNull).map(HookConfig::uri).toList()));
    }

    /** Whether any hook is configured; when not, {@link #config()} and {@link #client()} are null. */
    public boolean enabled() {
        return client != null;
    }

    public HookConfig config() {
        return config;
    }

    public HookClient client() {
        return client;
    }

    /** The connect hook, asked at every {@code hello}; null when {@code --connect-hook-url} is not set. */
    public ConnectHook connect() {
        return connect;
    }

    /** The publish hook, or null when {@code --publish-hook-url} is not set. */
    public PublishHook publishHook() {
        return publishHook;
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
    }
}
