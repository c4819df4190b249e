package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.store.DatabaseUrl;
import dev.parley.testing.PostgresExtension;
import dev.parley.testing.RedisServer;
import dev.parley.testing.TestSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Webhooks with durable history: the outbox in the database keeps what a backend that is down
 * has not taken, across a restart of the node, and two nodes sharing it deliver each row while
 * each room's webhooks go one at a time in the room's order.
 */
class DurableWebhooksIT {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private static ParleyServer node(String databaseUrl, String hookUrl, String events, RedisServer redis) {
        return TestServers.start(c -> {
            c.with("--database-url", databaseUrl).with("--database-timeout-ms", 2000).with("--rate-per-sec", 10_000)
                    .with("--burst", 10_000).with("--hook-secret", WebhookBackend.SECRET).with("--webhook-url", hookUrl)
                    .with("--webhook-events", events);
            return redis == null ? c : c.with("--redis-uri", redis.uri()).with("--redis-timeout-ms", 5_000)
                    .with("--redis-check-ms", 200);
        });
    }

    private static long outboxRows(String databaseUrl, String typePattern) throws SQLException {
        DatabaseUrl url = DatabaseUrl.parse(databaseUrl);
        try (Connection connection = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
             ResultSet count = connection.createStatement().executeQuery(
                     "select count(*) from webhook_outbox where type like '" + typePattern + "'")) {
            count.next();
            return count.getLong(1);
        }
    }

    private static List<String> texts(String prefix, int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> prefix + " " + i).toList();
    }

    private static List<String> field(List<JsonNode> data, String name) {
        return data.stream().map(node -> node.path(name).asText()).toList();
    }

    @Test
    void aBackendDownAcrossARestartGetsEverythingInEachRoomsOrder() throws Exception {
        String url = POSTGRES.server().createDatabase("webhooks_" + DATABASES.incrementAndGet());
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String down = "http://127.0.0.1:" + port + "/hooks";
        try (ParleyServer first = node(url, down, null, null);
             TestSocket alice = TestServers.member(first, "alice", "north");
             TestSocket bob = TestServers.member(first, "bob", "south")) {
            for (int i = 1; i <= 5; i++) {
                alice.request("ack", "type", "send", "room", "north", "text", "north " + i);
                bob.request("ack", "type", "send", "room", "south", "text", "south " + i);
            }
            alice.request("ack", "type", "edit", "room", "north", "offset", 1, "text", "north 1 edited");
            assertThat(outboxRows(url, "message.%")).as("written with the events").isEqualTo(11);
            await().atMost(PATIENCE).until(() -> WebhooksIT.metric(first, "parley.webhooks.failed") >= 2);
        }
        try (ParleyServer second = node(url, down, null, null)) {
            await().atMost(PATIENCE).until(() -> WebhooksIT.metric(second, "parley.webhooks.outbox") > 0);
            try (WebhookBackend backend = WebhookBackend.start(port)) {
                await().atMost(PATIENCE).until(() -> outboxRows(url, "%") == 0);
                assertThat(field(backend.deliveredOnce("message.created", "north"), "text"))
                        .containsExactlyElementsOf(texts("north", 5));
                assertThat(field(backend.deliveredOnce("message.created", "south"), "text"))
                        .containsExactlyElementsOf(texts("south", 5));
                assertThat(field(backend.deliveredOnce("message.edited", "north"), "text")).containsExactly("north 1 edited");
                assertThat(field(backend.deliveredOnce("member.joined", "north"), "nick")).containsExactly("alice");
                assertThat(backend.delivered("session.opened", "nick")).contains("alice", "bob");
                List<String> north = backend.delivered().stream().map(body -> body.path("data"))
                        .filter(data -> data.path("room").asText().equals("north") && data.has("offset"))
                        .map(data -> data.path("offset").asText()).distinct().toList();
                assertThat(north).as("the room's events, each first delivered in offset order")
                        .containsExactly("1", "2", "3", "4", "5", "6");
                assertThat(backend.mostAtOnceInARoom()).isEqualTo(1);
            }
        }
    }

    @Test
    void twoNodesSharingTheOutboxDeliverEveryRowKeepingEachRoomsOrder() throws Exception {
        String url = POSTGRES.server().createDatabase("webhooks_" + DATABASES.incrementAndGet());
        AtomicInteger attempts = new AtomicInteger();
        try (WebhookBackend backend = WebhookBackend.start();
             RedisServer redis = RedisServer.start();
             ParleyServer a = node(url, backend.url().toString(), "message.created", redis);
             ParleyServer b = node(url, backend.url().toString(), "message.created", redis);
             TestSocket alice = TestServers.member(a, "alice", "shared");
             TestSocket bob = TestServers.member(b, "bob", "shared");
             TestSocket carol = TestServers.member(b, "carol", "other")) {
            backend.answer(body -> attempts.incrementAndGet() % 3 == 0 ? 500 : 204);
            for (int i = 1; i <= 10; i++) {
                alice.request("ack", "type", "send", "room", "shared", "text", "shared " + (2 * i - 1));
                bob.request("ack", "type", "send", "room", "shared", "text", "shared " + 2 * i);
                carol.request("ack", "type", "send", "room", "other", "text", "other " + i);
            }
            await().atMost(PATIENCE).until(() -> outboxRows(url, "%") == 0);
            assertThat(field(backend.deliveredOnce("message.created", "shared"), "text"))
                    .containsExactlyElementsOf(texts("shared", 20));
            assertThat(field(backend.deliveredOnce("message.created", "other"), "text"))
                    .containsExactlyElementsOf(texts("other", 10));
            assertThat(backend.attempts()).anyMatch(attempt -> attempt.status() == 500);
            assertThat(backend.mostAtOnceInARoom()).as("one room's webhooks one at a time, across the nodes").isEqualTo(1);
        }
    }
}
