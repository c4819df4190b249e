package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.RedisServer;
import dev.parley.testing.TestSocket;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Webhooks of a cluster on Redis without a database: each room's outbox in Redis, written with
 * the room's events, orders the room's webhooks across the nodes that publish into it, keeps what
 * a backend that is down has not taken (up to its bound, past which its oldest go), and outlives
 * the node that was delivering it.
 */
class ClusterWebhooksIT {
    private static final Duration PATIENCE = Duration.ofSeconds(40);
    private static final String EVENTS = "message.created,message.edited,member.joined";

    private static ParleyServer node(RedisServer redis, String hookUrl) {
        return node(redis, hookUrl, EVENTS, 1000);
    }

    private static ParleyServer node(RedisServer redis, String hookUrl, String events, int outboxMax) {
        return TestServers.start(c -> c.with("--hook-secret", WebhookBackend.SECRET).with("--webhook-url", hookUrl)
                .with("--webhook-events", events).with("--webhook-queue-max", outboxMax).with("--redis-uri", redis.uri())
                .with("--redis-timeout-ms", 5_000).with("--redis-check-ms", 200).with("--rate-per-sec", 10_000)
                .with("--burst", 10_000));
    }

    private static int freePort() throws Exception {
        try (ServerSocket free = new ServerSocket(0)) {
            return free.getLocalPort();
        }
    }

    /** The webhooks waiting in Redis, every room's outbox together. */
    private static long waitingInRedis(RedisServer redis) {
        RedisClient client = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> commands = connection.sync();
            return commands.keys("parley:room:{*}:webhooks").stream().mapToLong(commands::xlen).sum();
        } finally {
            client.shutdown();
        }
    }

    private static List<String> texts(String prefix, int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> prefix + " " + i).toList();
    }

    /** The offsets of {@code room}'s delivered room events, each first delivery once, in the order delivered. */
    private static List<Long> offsets(WebhookBackend backend, String room) {
        return backend.delivered().stream().map(body -> body.path("data"))
                .filter(data -> data.path("room").asText().equals(room) && data.has("offset"))
                .map(data -> data.path("offset").asLong()).distinct().toList();
    }

    private static List<Long> oneTo(int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> (long) i).toList();
    }

    @Test
    void twoNodesPublishingIntoOneRoomGetItsWebhooksDeliveredInOffsetOrderEachOnce() throws Exception {
        try (RedisServer redis = RedisServer.start();
             WebhookBackend backend = WebhookBackend.start();
             ParleyServer a = node(redis, backend.url().toString());
             ParleyServer b = node(redis, backend.url().toString());
             TestSocket alice = TestServers.member(a, "alice", "both");
             TestSocket bob = TestServers.member(b, "bob", "both")) {
            List<TestSocket> inTurn = List.of(alice, bob);
            List<String> sent = IntStream.rangeClosed(1, 10).boxed().flatMap(i -> Stream.of("alice " + i, "bob " + i)).toList();
            sent.forEach(text -> inTurn.get(text.startsWith("alice") ? 0 : 1)
                    .request("ack", "type", "send", "room", "both", "text", text));
            alice.request("ack", "type", "edit", "room", "both", "offset", 1, "text", "edited");
            await().atMost(PATIENCE).until(() -> offsets(backend, "both").size() == 21);
            assertThat(offsets(backend, "both")).as("the room's offset order, across the nodes").isEqualTo(oneTo(21));
            assertThat(backend.deliveredOnce("message.created", "both")).extracting(data -> data.path("text").asText())
                    .containsExactlyElementsOf(sent);
            assertThat(backend.delivered("message.edited", "text")).containsExactly("edited");
            assertThat(backend.delivered("member.joined", "nick")).containsExactlyInAnyOrder("alice", "bob");
            assertThat(backend.mostAtOnceInARoom()).as("one room's webhooks one at a time, across the nodes").isEqualTo(1);
            await().atMost(PATIENCE).until(() -> waitingInRedis(redis) == 0);
        }
    }

    @Test
    void aBackendDownThenUpGetsEveryWebhookOfEachRoomInOrder() throws Exception {
        int port = freePort();
        String down = "http://127.0.0.1:" + port + "/hooks";
        try (RedisServer redis = RedisServer.start();
             ParleyServer a = node(redis, down);
             ParleyServer b = node(redis, down);
             TestSocket alice = TestServers.member(a, "alice", "north");
             TestSocket bob = TestServers.member(b, "bob", "north");
             TestSocket carol = TestServers.member(b, "carol", "south")) {
            for (int i = 1; i <= 5; i++) {
                alice.request("ack", "type", "send", "room", "north", "text", "north " + (2 * i - 1));
                bob.request("ack", "type", "send", "room", "north", "text", "north " + 2 * i);
                carol.request("ack", "type", "send", "room", "south", "text", "south " + i);
            }
            await("written with the events, and the joins").atMost(PATIENCE).until(() -> waitingInRedis(redis) == 18);
            await().atMost(PATIENCE).until(() -> WebhooksIT.metric(a, "parley.webhooks.failed")
                    + WebhooksIT.metric(b, "parley.webhooks.failed") >= 2);
            try (WebhookBackend backend = WebhookBackend.start(port)) {
                await().atMost(PATIENCE).until(() -> waitingInRedis(redis) == 0);
                assertThat(backend.deliveredOnce("message.created", "north")).extracting(data -> data.path("text").asText())
                        .containsExactlyElementsOf(texts("north", 10));
                assertThat(backend.deliveredOnce("message.created", "south")).extracting(data -> data.path("text").asText())
                        .containsExactlyElementsOf(texts("south", 5));
                assertThat(offsets(backend, "north")).isEqualTo(oneTo(10));
                assertThat(backend.delivered("member.joined", "nick")).contains("alice", "bob", "carol");
                assertThat(backend.mostAtOnceInARoom()).isEqualTo(1);
            }
        }
    }

    @Test
    void theWebhooksANodeKilledWasDeliveringAreDeliveredByAnotherNode() throws Exception {
        int port = freePort();
        String down = "http://127.0.0.1:" + port + "/hooks";
        try (RedisServer redis = RedisServer.start()) {
            try (ServerProcess doomed = ServerProcess.start(ServerProcess.javaJar("--host", "127.0.0.1", "--port", "0",
                    "--redis-uri", redis.uri(), "--redis-check-ms", "200", "--rate-per-sec", "10000", "--burst", "10000",
                    "--hook-secret", WebhookBackend.SECRET, "--webhook-url", down, "--webhook-events", EVENTS), Map.of())) {
                List<Long> acked = new ArrayList<>();
                TestServers.ackedThenKilled(doomed, "crash", 20, acked);
                assertThat(acked).isEqualTo(oneTo(20));
            }
            assertThat(waitingInRedis(redis)).as("the killed node's webhooks, still owed").isEqualTo(21);
            try (WebhookBackend backend = WebhookBackend.start(port);
                 ParleyServer survivor = node(redis, down)) {
                await().atMost(PATIENCE).until(() -> waitingInRedis(redis) == 0);
                List<JsonNode> created = backend.deliveredOnce("message.created", "crash");
                assertThat(created).extracting(data -> data.path("text").asText()).containsExactlyElementsOf(texts("crash", 20));
                assertThat(offsets(backend, "crash")).isEqualTo(oneTo(20));
                assertThat(backend.deliveredOnce("member.joined", "crash")).extracting(data -> data.path("nick").asText())
                        .containsExactly("alice");
                assertThat(WebhooksIT.metric(survivor, "parley.webhooks.delivered")).isGreaterThanOrEqualTo(21);
            }
        }
    }

    @Test
    void aRoomsFullOutboxDropsItsOldestCountsThemAndKeepsTheNewest() throws Exception {
        int port = freePort();
        try (RedisServer redis = RedisServer.start();
             ParleyServer node = node(redis, "http://127.0.0.1:" + port + "/hooks", "message.created", 2);
             TestSocket alice = TestServers.member(node, "alice", "full")) {
            texts("full", 5).forEach(text -> alice.request("ack", "type", "send", "room", "full", "text", text));
            assertThat(WebhooksIT.metric(node, "parley.webhooks.dropped")).isEqualTo(3);
            assertThat(waitingInRedis(redis)).isEqualTo(2);
            try (WebhookBackend backend = WebhookBackend.start(port)) {
                await().atMost(PATIENCE).until(() -> waitingInRedis(redis) == 0);
                assertThat(backend.deliveredOnce("message.created", "full")).extracting(data -> data.path("text").asText())
                        .containsExactly("full 4", "full 5");
            }
        }
    }

    @Test
    void withoutAWebhookUrlNothingIsWrittenToAnOutbox() throws Exception {
        try (RedisServer redis = RedisServer.start();
             ParleyServer a = TestServers.start(c -> c.with("--redis-uri", redis.uri()));
             TestSocket alice = TestServers.member(a, "alice", "quiet")) {
            alice.request("ack", "type", "send", "room", "quiet", "text", "no webhook");
            alice.request("ack", "type", "edit", "room", "quiet", "offset", 1, "text", "still none");
            assertThat(waitingInRedis(redis)).isZero();
        }
    }
}
