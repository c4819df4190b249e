package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.config.ServerConfig;
import dev.parley.server.hooks.HookSecret;
import dev.parley.testing.HookBackend;
import dev.parley.testing.TestSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The publish hook against a real HTTP backend: each answer, each kind of failure under both
 * policies, the signature, the order of a session's messages when the backend answers out of
 * order, edits, idempotent resends, {@code POST /api/publish} with and without the option, and
 * the metrics.
 */
class PublishHookIT {
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String KEY = "backend-key-0123456789";
    private static final int MAX_TEXT = 50;
    private static final String ACCEPT = "{\"action\":\"accept\"}";
    private static HookBackend backend;
    /** Rejects when the hook gives no usable answer; asked by the server API too. */
    private static ParleyServer strict;
    /** Publishes as sent when the hook gives no usable answer. */
    private static ParleyServer lenient;

    @BeforeAll
    static void start() {
        backend = HookBackend.start();
        strict = TestServers.start(c -> hooked(c, backend.url()).with("--publish-hook-api", true));
        lenient = TestServers.start(c -> hooked(c, backend.url()).with("--publish-hook-failure", "accept"));
    }

    private static ServerConfig.Builder hooked(ServerConfig.Builder config, URI url) {
        return config.with("--hook-secret", SECRET).with("--publish-hook-url", url.toString())
                .with("--publish-hook-timeout-ms", 500).with("--max-text-chars", MAX_TEXT).with("--api-key", KEY);
    }

    @AfterAll
    static void stop() {
        strict.close();
        lenient.close();
        backend.close();
    }

    /** {@code name} in {@code room}, under a nick of its own in each test's room. */
    private static TestSocket member(ParleyServer server, String name, String room) {
        return TestServers.member(server, name + "-" + room, room);
    }

    /** The reply, ack or error, to a send of {@code text}. */
    private static JsonNode reply(TestSocket socket, Object... command) {
        socket.send(command);
        return socket.take(event -> event.path("type").asText().matches("ack|error"), "ack or error");
    }

    @Test
    void anAcceptedMessageIsPublishedAsSentAndTheBackendSeesItSigned() {
        backend.answer(HookBackend.json(200, ACCEPT));
        try (TestSocket alice = member(strict, "alice", "accepted");
             TestSocket bob = member(strict, "bob", "accepted")) {
            JsonNode ack = reply(alice, "type", "send", "id", 1, "room", "accepted", "text", "hello");
            assertThat(ack.get("type").asText()).isEqualTo("ack");
            assertThat(bob.next("message").get("text").asText()).isEqualTo("hello");

            HookBackend.Call call = backend.nextCall();
            assertThat(call.json().get("room").asText()).isEqualTo("accepted");
            assertThat(call.json().get("from").asText()).isEqualTo("alice-accepted");
            assertThat(call.json().get("text").asText()).isEqualTo("hello");
            assertThat(call.json().has("replyTo")).isFalse();
            assertThat(call.json().has("target")).isFalse();
            long timestamp = Long.parseLong(call.header("webhook-timestamp"));
            assertThat(timestamp).isCloseTo(Instant.now().getEpochSecond(), within(60L));
            assertThat(call.header("webhook-signature"))
                    .isEqualTo(HookSecret.parse(SECRET).sign(call.header("webhook-id"), timestamp, call.body()));
        }
    }

    @Test
    void aReplacementIsWhatIsPublishedAndRepliesAndEditsCarryTheirTargets() {
        try (TestSocket alice = member(strict, "alice", "replaced");
             TestSocket bob = member(strict, "bob", "replaced")) {
            backend.answer(HookBackend.json(200, ACCEPT));
            long first = reply(alice, "type", "send", "room", "replaced", "text", "first").get("offset").asLong();
            bob.next("message");
            backend.answer(HookBackend.json(200, "{\"action\":\"accept\",\"text\":\"[redacted]\"}"));
            JsonNode ack = reply(alice, "type", "send", "room", "replaced", "text", "darn", "replyTo", first);
            assertThat(ack.get("type").asText()).isEqualTo("ack");
            JsonNode message = bob.next("message");
            assertThat(message.get("text").asText()).isEqualTo("[redacted]");
            assertThat(message.get("replyTo").asLong()).isEqualTo(first);
            assertThat(backend.nextCall().json().get("replyTo").asLong()).isEqualTo(first);

            backend.answer(HookBackend.json(200, "{\"action\":\"reject\",\"reason\":\"no shouting\"}"));
            JsonNode refused = reply(alice, "type", "edit", "room", "replaced", "offset", first, "text", "HELLO");
            assertThat(refused.get("code").asText()).isEqualTo("rejected");
            HookBackend.Call call = backend.nextCall();
            assertThat(call.json().get("target").asLong()).isEqualTo(first);
            assertThat(call.json().get("text").asText()).isEqualTo("HELLO");

            backend.answer(HookBackend.json(200, "{\"action\":\"accept\",\"text\":\"hello, all\"}"));
            assertThat(reply(alice, "type", "edit", "room", "replaced", "offset", first, "text", "hello all")
                    .get("type").asText()).isEqualTo("ack");
            JsonNode edit = bob.next("edit");
            assertThat(edit.get("text").asText()).isEqualTo("hello, all");
            assertThat(edit.get("target").asLong()).isEqualTo(first);
        }
    }

    @Test
    void aRejectionIsAnErrorWithTheReasonAndNothingIsStored() {
        backend.answer(HookBackend.json(200, "{\"action\":\"reject\",\"reason\":\"no swearing\"}"));
        try (TestSocket alice = member(strict, "alice", "rejected")) {
            JsonNode error = reply(alice, "type", "send", "id", 7, "room", "rejected", "text", "darn");
            assertThat(error.get("code").asText()).isEqualTo("rejected");
            assertThat(error.get("message").asText()).isEqualTo("no swearing");
            assertThat(error.get("id").asInt()).isEqualTo(7);
            JsonNode history = alice.request("history", "type", "history", "room", "rejected");
            assertThat(history.get("messages")).isEmpty();
        }
    }

    @Test
    void everyKindOfBadAnswerIsAFailureUnderEitherPolicy() throws Exception {
        int refusedPort;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            refusedPort = closed.getLocalPort();
        }
        ParleyServer refused = TestServers.start(c -> hooked(c, URI.create("http://127.0.0.1:" + refusedPort + "/hook")));
        try (refused; TestSocket alice = member(strict, "alice", "failures");
             TestSocket carol = member(lenient, "carol", "failures");
             TestSocket dave = member(refused, "dave", "failures")) {
            assertThat(reply(dave, "type", "send", "room", "failures", "text", "anyone?").get("code").asText())
                    .isEqualTo("unavailable");
            HookBackend.Responder[] badAnswers = {
                backend.silent(),
                HookBackend.json(500, ACCEPT),
                HookBackend.json(200, "not json"),
                HookBackend.json(200, "{\"action\":5}"),
                HookBackend.json(200, "{\"action\":\"reject\",\"reason\":5}"),
                HookBackend.json(200, "{\"action\":\"accept\",\"text\":\"\"}"),
                HookBackend.json(200, "{\"action\":\"accept\",\"text\":\"" + "x".repeat(MAX_TEXT + 1) + "\"}"),
                HookBackend.json(200, "{\"action\":\"accept\",\"text\":\"" + "x".repeat(1 << 20) + "\"}"),
                HookBackend.redirect(302, "http://127.0.0.1:1/elsewhere"),
                backend.drip(ACCEPT, Duration.ofMillis(100)),
            };
            for (int i = 0; i < badAnswers.length; i++) {
                backend.answer(badAnswers[i]);
                String text = "bad answer " + i;
                JsonNode strictReply = reply(alice, "type", "send", "room", "failures", "text", text);
                assertThat(strictReply.path("code").asText()).as("strict, %s", text).isEqualTo("unavailable");
                JsonNode lenientReply = reply(carol, "type", "send", "room", "failures", "text", text);
                assertThat(lenientReply.get("type").asText()).as("lenient, %s", text).isEqualTo("ack");
                assertThat(carol.next("message").get("text").asText()).isEqualTo(text);
            }
            assertThat(alice.request("history", "type", "history", "room", "failures").get("messages")).isEmpty();
        }
    }

    @Test
    void aSessionsMessagesKeepTheirOrderWhenTheBackendAnswersTheSecondFirst() {
        CompletableFuture<Void> secondAnswered = new CompletableFuture<>();
        HookBackend.Responder accept = HookBackend.json(200, ACCEPT);
        backend.answer((call, exchange) -> {
            if (call.json().get("text").asText().equals("first")) {
                backend.after(secondAnswered, accept).answer(call, exchange);
            } else {
                accept.answer(call, exchange);
                secondAnswered.complete(null);
            }
        });
        try (TestSocket alice = member(strict, "alice", "ordered");
             TestSocket bob = member(strict, "bob", "ordered")) {
            alice.send("type", "send", "id", 1, "room", "ordered", "text", "first");
            alice.send("type", "send", "id", 2, "room", "ordered", "text", "second");
            JsonNode firstAck = alice.next("ack");
            JsonNode secondAck = alice.next("ack");
            assertThat(secondAnswered).isDone();
            assertThat(firstAck.get("id").asInt()).isEqualTo(1);
            assertThat(secondAck.get("id").asInt()).isEqualTo(2);
            assertThat(firstAck.get("offset").asLong()).isLessThan(secondAck.get("offset").asLong());
            assertThat(bob.next("message").get("text").asText()).isEqualTo("first");
            assertThat(bob.next("message").get("text").asText()).isEqualTo("second");
        }
    }

    @Test
    void aResendOfAStoredMessageDoesNotAskTheHookAgain() {
        backend.answer(HookBackend.json(200, "{\"action\":\"accept\",\"text\":\"once\"}"));
        try (TestSocket alice = member(strict, "alice", "resent")) {
            JsonNode first = reply(alice, "type", "send", "room", "resent", "text", "twice", "nonce", "n-1");
            backend.nextCall();
            JsonNode again = reply(alice, "type", "send", "room", "resent", "text", "twice", "nonce", "n-1");
            assertThat(again.get("offset").asLong()).isEqualTo(first.get("offset").asLong());
            assertThat(backend.pendingCalls()).isZero();
            JsonNode history = alice.request("history", "type", "history", "room", "resent");
            assertThat(history.get("messages")).hasSize(1);
            assertThat(history.get("messages").get(0).get("text").asText()).isEqualTo("once");
        }
    }

    @Test
    void theServerApiAsksTheHookOnlyWithTheOption() throws Exception {
        backend.answer(HookBackend.json(200, "{\"action\":\"reject\",\"reason\":\"not today\"}"));
        ServerApiIT.Reply refused = ServerApiIT.call(strict, "POST", "/api/publish",
                "{\"room\":\"api\",\"text\":\"deploy\"}", KEY);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.code()).isEqualTo("rejected");
        assertThat(refused.body().get("message").asText()).isEqualTo("not today");
        assertThat(backend.nextCall().json().get("from").asText()).isEqualTo("system");

        ServerApiIT.Reply published = ServerApiIT.call(lenient, "POST", "/api/publish",
                "{\"room\":\"api\",\"text\":\"deploy\"}", KEY);
        assertThat(published.status()).isEqualTo(200);
        assertThat(backend.pendingCalls()).isZero();

        backend.answer(HookBackend.json(200, "{\"action\":\"accept\",\"text\":\"deploy at 5\"}"));
        try (TestSocket alice = member(strict, "alice", "api")) {
            assertThat(ServerApiIT.call(strict, "POST", "/api/publish", "{\"room\":\"api\",\"text\":\"deploy\"}", KEY)
                    .status()).isEqualTo(200);
            assertThat(alice.next("message").get("text").asText()).isEqualTo("deploy at 5");
        }
    }

    @Test
    void theMetricsCountCallsByOutcomeAndTheirLatency() throws Exception {
        backend.answer(HookBackend.json(200, "{\"action\":\"accept\",\"text\":\"counted\"}"));
        try (TestSocket alice = member(lenient, "alice", "metered")) {
            reply(alice, "type", "send", "room", "metered", "text", "count me");
        }
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                lenient.httpUri().resolve("/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body())
                .containsPattern("parley_publish_hook_calls_total\\{outcome=\"replaced\"} [1-9]")
                .contains("parley_publish_hook_latency_seconds_count");
    }
}
