package dev.parley.server;

import dev.parley.testing.TestSocket;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Webhooks without a database, to a real HTTP backend: signed, every type, retried with the same
 * id after 500s and refused connections, one room's in order while another room flows, and a
 * full memory queue's drops counted. A cluster's: {@link ClusterWebhooksIT}.
 */
class WebhooksIT {
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    static ParleyServer server(String url, String events, int queueMax) {
        return TestServers.start(c -> c.with("--hook-secret", WebhookBackend.SECRET).with("--webhook-url", url)
                .with("--webhook-events", events).with("--webhook-queue-max", queueMax));
    }

    static double metric(ParleyServer server, String name) {
        return server.metrics().registry().get(name).meter().measure().iterator().next().getValue();
    }

    @Test
    void everyTypeIsPostedSignedWithItsIdAndTheEventAsData() throws Exception {
        try (WebhookBackend backend = WebhookBackend.start();
             ParleyServer server = server(backend.url().toString(), null, 1000)) {
            try (TestSocket alice = TestServers.member(server, "alice", "hooked");
                 TestSocket bob = TestServers.member(server, "bob", "hooked")) {
                alice.request("ack", "type", "send", "room", "hooked", "text", "hello @bob");
                alice.request("ack", "type", "edit", "room", "hooked", "offset", 1, "text", "hello again");
                bob.request("ack", "type", "react", "room", "hooked", "offset", 1, "emoji", "👍", "on", true);
                alice.request("ack", "type", "delete", "room", "hooked", "offset", 1);
                bob.request("left", "type", "leave", "room", "hooked");
            }
            await().atMost(PATIENCE).until(() -> backend.delivered("session.closed", "nick").size() == 2);
            assertThat(backend.delivered().stream().map(body -> body.path("type").asText()).distinct())
                    .containsExactlyInAnyOrder("session.opened", "member.joined", "message.created", "message.edited",
                            "reaction.changed", "message.deleted", "member.left", "session.closed");
            assertThat(backend.delivered("message.created", "text")).containsExactly("hello @bob");
            assertThat(backend.delivered("message.edited", "text")).containsExactly("hello again");
            assertThat(backend.delivered("reaction.changed", "emoji")).containsExactly("👍");
            assertThat(backend.delivered("message.deleted", "target")).containsExactly("1");
            assertThat(backend.delivered("member.joined", "nick")).containsExactlyInAnyOrder("alice", "bob");
            assertThat(backend.delivered("member.left", "room")).contains("hooked");
            assertThat(backend.delivered("session.opened", "nick")).containsExactlyInAnyOrder("alice", "bob");
            assertThat(backend.delivered("session.closed", "session")).doesNotContain("")
                    .containsExactlyInAnyOrderElementsOf(backend.delivered("session.opened", "session"));
            assertThat(backend.delivered().stream().filter(body -> body.path("type").asText().startsWith("message")))
                    .allMatch(body -> body.path("data").path("room").asText().equals("hooked"));
            for (WebhookBackend.Attempt attempt : backend.attempts()) {
                assertThat(WebhookBackend.verifies(attempt)).as("signature of %s", attempt.raw()).isTrue();
                assertThat(attempt.id()).isEqualTo(attempt.body().path("id").asText()).startsWith("msg_");
                assertThat(attempt.body().path("ts").asLong()).isPositive();
            }
        }
    }

    @Test
    void onlyTheConfiguredTypesArePosted() throws Exception {
        try (WebhookBackend backend = WebhookBackend.start();
             ParleyServer server = server(backend.url().toString(), "message.created", 1000);
             TestSocket alice = TestServers.member(server, "alice", "filtered")) {
            alice.request("ack", "type", "send", "room", "filtered", "text", "one");
            alice.request("ack", "type", "edit", "room", "filtered", "offset", 1, "text", "two");
            alice.request("ack", "type", "send", "room", "filtered", "text", "three");
            await().atMost(PATIENCE).until(() -> backend.delivered().size() == 2);
            assertThat(backend.delivered("message.created", "text")).containsExactly("one", "three");
            assertThat(backend.attempts()).hasSize(2);
        }
    }

    @Test
    void failedAttemptsAreRetriedWithTheSameIdAfter500sAndARefusedConnection() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        try (ParleyServer server = server("http://127.0.0.1:" + port + "/hooks", "message.created", 1000);
             TestSocket alice = TestServers.member(server, "alice", "retried")) {
            alice.request("ack", "type", "send", "room", "retried", "text", "persist");
            await().atMost(PATIENCE).until(() -> metric(server, "parley.webhooks.failed") >= 2);
            try (WebhookBackend backend = WebhookBackend.start(port)) {
                backend.answer(body -> backend.attempts().isEmpty() ? 500 : 204);
                await().atMost(PATIENCE).until(() -> backend.delivered().size() == 1);
                List<String> ids = backend.attempts().stream().map(WebhookBackend.Attempt::id).distinct().toList();
                assertThat(backend.attempts()).hasSizeGreaterThanOrEqualTo(2);
                assertThat(backend.attempts().get(0).status()).isEqualTo(500);
                assertThat(ids).hasSize(1);
                assertThat(metric(server, "parley.webhooks.retried")).isGreaterThanOrEqualTo(3);
                assertThat(metric(server, "parley.webhooks.delivered")).isEqualTo(1);
                await().atMost(PATIENCE).until(() -> metric(server, "parley.webhooks.queue") == 0);
            }
        }
    }

    @Test
    void aRoomWaitsForItsBackendInOrderWhileAnotherRoomFlows() throws Exception {
        AtomicBoolean slowDown = new AtomicBoolean(true);
        try (WebhookBackend backend = WebhookBackend.start();
             ParleyServer server = server(backend.url().toString(), "message.created", 1000);
             TestSocket alice = TestServers.member(server, "alice", "slow");
             TestSocket bob = TestServers.member(server, "bob", "fast")) {
            backend.answer(body -> slowDown.get() && body.path("data").path("room").asText().equals("slow") ? 500 : 200);
            for (int i = 1; i <= 5; i++) {
                alice.request("ack", "type", "send", "room", "slow", "text", "slow " + i);
                bob.request("ack", "type", "send", "room", "fast", "text", "fast " + i);
            }
            await().atMost(PATIENCE).until(() -> backend.delivered("message.created", "room").size() == 5);
            assertThat(backend.delivered("message.created", "text")).containsExactly(texts("fast"));
            await().atMost(PATIENCE).until(() -> backend.attempts().stream()
                    .filter(attempt -> attempt.body().path("data").path("room").asText().equals("slow")).count() >= 3);
            assertThat(backend.attempts().stream().filter(attempt -> attempt.status() == 500)
                    .map(attempt -> attempt.body().path("data").path("text").asText()).distinct())
                    .as("only the slow room's first waits while it fails").containsExactly("slow 1");
            slowDown.set(false);
            await().atMost(PATIENCE).until(() -> backend.delivered().size() == 10);
            assertThat(backend.delivered().stream().map(body -> body.path("data"))
                    .filter(data -> data.path("room").asText().equals("slow")).map(data -> data.path("text").asText()))
                    .containsExactly(texts("slow"));
        }
    }

    private static String[] texts(String prefix) {
        return IntStream.rangeClosed(1, 5).mapToObj(i -> prefix + " " + i).toArray(String[]::new);
    }

    @Test
    void aFullMemoryQueueDropsCountsAndKeepsWhatItHolds() throws Exception {
        try (WebhookBackend backend = WebhookBackend.start();
             ParleyServer server = server(backend.url().toString(), "message.created", 2);
             TestSocket alice = TestServers.member(server, "alice", "full")) {
            AtomicBoolean down = new AtomicBoolean(true);
            backend.answer(body -> down.get() ? 503 : 204);
            for (int i = 1; i <= 5; i++) {
                alice.request("ack", "type", "send", "room", "full", "text", "full " + i);
            }
            assertThat(metric(server, "parley.webhooks.dropped")).isEqualTo(3);
            assertThat(metric(server, "parley.webhooks.queue")).isEqualTo(2);
            down.set(false);
            await().atMost(PATIENCE).until(() -> backend.delivered().size() == 2);
            assertThat(backend.delivered("message.created", "text")).containsExactly("full 1", "full 2");
            assertThat(server.metrics().scrape()).contains("parley_webhooks_dropped_total 3.0");
        }
    }
}
