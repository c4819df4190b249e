package dev.parley.server.node;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.protocol.CommandDecoder;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ParleyJson;
import dev.parley.server.backend.UnavailableException;
import dev.parley.server.broker.Broker;
import dev.parley.server.broker.RoomAction;
import dev.parley.server.broker.RoomActionRefused;
import dev.parley.server.config.HookConfig;
import dev.parley.server.hooks.HookClient;
import dev.parley.server.hooks.HookReply;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.TimeUnit;

/**
 * The publish hook: asks the application's backend about a {@code send} or {@code edit} before it
 * is published. {@link #check} completes with the text to publish (the sender's, or the backend's
 * replacement), or fails with {@link RoomActionRefused} {@code rejected} (the backend's reason) or,
 * when there is no usable answer and the policy is reject, {@link UnavailableException}. A bad
 * answer (not 2xx, not JSON, wrong types, an invalid replacement) is a failure like no answer. The
 * answer is read on the hook client's threads, never on an event loop.
 */
public final class PublishHook {
    private static final Logger LOG = LoggerFactory.getLogger(PublishHook.class);
    /** A backend that is down fails every call: warn at most this often, the rest at debug (all counted). */
    private static final long WARNING_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final HookClient client;
    private final Broker broker;
    private final URI url;
    private final Duration timeout;
    private final boolean acceptOnFailure;
    private final boolean askedByApi;
    private final int maxTextChars;
    private final Counter accepted;
    private final Counter replaced;
    private final Counter rejected;
    private final Counter failed;
    private final Timer latency;
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARNING_INTERVAL_NANOS);

    PublishHook(HookClient client, HookConfig config, int maxTextChars, MeterRegistry registry, Broker broker) {
        this.client = client;
        this.broker = broker;
        this.url = HookConfig.uri(config.publishHookUrl());
        this.timeout = Duration.ofMillis(config.publishHookTimeoutMs());
        this.acceptOnFailure = config.publishHookFailure() == HookConfig.HookFailurePolicy.ACCEPT;
        this.askedByApi = config.publishHookApi();
        this.maxTextChars = maxTextChars;
        this.accepted = outcome(registry, "accepted");
        this.replaced = outcome(registry, "replaced");
        this.rejected = outcome(registry, "rejected");
        this.failed = outcome(registry, "failed");
        this.latency = Timer.builder("parley.publish.hook.latency").publishPercentileHistogram()
                .description("Time from a publish hook request to its answer or failure").register(registry);
    }

    private static Counter outcome(MeterRegistry registry, String outcome) {
        return Counter.builder("parley.publish.hook.calls").tag("outcome", outcome)
                .description("Publish hook calls, by outcome (failed: no usable answer, whatever the policy)")
                .register(registry);
    }

    /** What the backend is asked: the room, the sender, the text, and the replied-to or edited offset. */
    private record Request(String room, String from, String text, Long replyTo, Long target) {
    }

    /** Whether {@code POST /api/publish} asks the hook too ({@code --publish-hook-api}). */
    public boolean askedByApi() {
        return askedByApi;
    }

    /** Whether a session's {@code action} is asked about: a message or an edit. */
    public static boolean asks(RoomAction action) {
        return action instanceof RoomAction.Send || action instanceof RoomAction.Edit;
    }

    /**
     * Asks the backend about a session's message or edit ({@link #asks}); completes with the action
     * to publish, with the backend's text. A message whose nonce the room keeps already is not asked
     * about again: it is a resend, which the broker answers with the message stored the first time.
     */
    public CompletableFuture<RoomAction> approve(RoomAction action) {
        if (action instanceof RoomAction.Edit edit) {
            return check(edit.room(), edit.from(), edit.text(), null, edit.target())
                    .thenApply(text -> new RoomAction.Edit(edit.room(), edit.from(), edit.target(), text));
        }
        RoomAction.Send send = (RoomAction.Send) action;
        CompletableFuture<Boolean> resent = send.nonce() == null ? CompletableFuture.completedFuture(false)
                : broker.sentWith(send.room(), send.from(), send.nonce());
        return resent.thenCompose(stored -> stored ? CompletableFuture.completedFuture(action)
                : check(send.room(), send.from(), send.text(), send.replyTo(), null).thenApply(text ->
                        new RoomAction.Send(send.room(), send.from(), text, send.nonce(), send.replyTo())));
    }

    /**
     * Asks the backend whether {@code from} may publish {@code text} in {@code room}, as a reply to
     * {@code replyTo} or an edit of {@code target} (each nullable); completes with the text to publish.
     */
    public CompletableFuture<String> check(String room, String from, String text, Long replyTo, Long target) {
        long started = System.nanoTime();
        return client.post(url, ParleyJson.write(new Request(room, from, text, replyTo, target)), timeout)
                .handle((reply, failure) -> {
                    latency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                    if (failure != null) {
                        return failed(room, text, failure.getMessage());
                    }
                    return verdict(room, text, reply);
                });
    }

    private String verdict(String room, String text, HookReply reply) {
        Verdict verdict = judge(reply, text);
        if (verdict instanceof Verdict.Rejected rejection) {
            rejected.increment();
            throw new RoomActionRefused(ErrorCode.REJECTED, rejection.reason());
        }
        if (verdict instanceof Verdict.Unusable unusable) {
            return failed(room, text, unusable.why());
        }
        Verdict.Publish publish = (Verdict.Publish) verdict;
        (publish.replaced() ? replaced : accepted).increment();
        return publish.text();
    }

    /** What an answer says, before anything is counted: the text to publish, a rejection, or no usable answer. */
    private sealed interface Verdict {
        record Publish(String text, boolean replaced) implements Verdict {
        }

        record Rejected(String reason) implements Verdict {
        }

        record Unusable(String why) implements Verdict {
        }
    }

    private Verdict judge(HookReply reply, String text) {
        if (!reply.succeeded()) {
            return new Verdict.Unusable("answered " + reply.status());
        }
        JsonNode answer;
        try {
            answer = ParleyJson.mapper().readTree(reply.body());
        } catch (JacksonException e) {
            return new Verdict.Unusable("answered something that is not JSON");
        }
        String action = answer == null ? null : textual(answer, "action");
        if ("reject".equals(action) && (answer.get("reason") == null || textual(answer, "reason") != null)) {
            String reason = textual(answer, "reason");
            return new Verdict.Rejected(reason == null ? "rejected by the application" : reason);
        }
        if (!"accept".equals(action)) {
            return new Verdict.Unusable("answered neither accept nor reject with a string reason");
        }
        if (answer.get("text") == null) {
            return new Verdict.Publish(text, false);
        }
        String replacement = textual(answer, "text");
        if (replacement == null || !validText(replacement)) {
            return new Verdict.Unusable("answered a replacement text that is not a valid message");
        }
        return new Verdict.Publish(replacement, true);
    }

    /**
     * Runs a call's own work {@code rounds} times without a backend or a count (the request's body
     * written, an accept and a replacement judged), so that the JIT has compiled it before the node
     * is ready: a cold node's first second under load answered on the hook's one thread too slowly.
     */
    void warmUp(int rounds) {
        HookReply accept = new HookReply(200, "{\"action\":\"accept\"}");
        HookReply replace = new HookReply(200, "{\"action\":\"accept\",\"text\":\"warm\"}");
        for (int i = 0; i < rounds; i++) {
            ParleyJson.write(new Request("warm-up", "warm-up", "warm up " + i, null, null));
            judge(i % 2 == 0 ? accept : replace, "warm up");
        }
    }

    /** The string at {@code field} of an object, or null when absent or of another type. */
    private static String textual(JsonNode answer, String field) {
        JsonNode value = answer.get(field);
        return value != null && value.isTextual() ? value.textValue() : null;
    }

    /** As a client's text is checked: not empty, not over the limit, no unpaired surrogate. */
    private boolean validText(String replacement) {
        return !replacement.isEmpty() && replacement.codePointCount(0, replacement.length()) <= maxTextChars
                && CommandDecoder.isWellFormed(replacement);
    }

    /** No usable answer: the policy decides. */
    private String failed(String room, String text, String why) {
        failed.increment();
        long now = System.nanoTime();
        long last = lastWarning.get();
        if (now - last < WARNING_INTERVAL_NANOS || !lastWarning.compareAndSet(last, now)) {
            LOG.debug("publish hook for room '{}': {}", room, why);
        } else {
            LOG.warn("publish hook for room '{}': {}; {} (further failures for 10 s at debug)", room, why,
                    acceptOnFailure ? "published as sent" : "refused");
        }
        if (acceptOnFailure) {
            return text;
        }
        throw new UnavailableException("the publish hook gave no usable answer", null);
    }
}
