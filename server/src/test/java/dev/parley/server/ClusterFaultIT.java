package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.TestSocket;
import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Two nodes whose Redis fails under them: gone, back empty, or dropping publish/subscribe connections. */
class ClusterFaultIT {
    private static final Duration REDIS_BACK = Duration.ofSeconds(15);

    private Cluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void withoutRedisCommandsGetUnavailableAndConnectionsStayOpenThenAnEmptyRedisMeansANewEpoch() {
        cluster = Cluster.start(2);
        try (TestSocket alice = TestServers.member(cluster.node(0), "alice", "fault");
             TestSocket bob = TestServers.member(cluster.node(1), "bob", "fault")) {
            assertThat(Cluster.readiness(cluster.node(0))).isEqualTo(200);
            alice.request("ack", "type", "send", "room", "fault", "text", "before");
            assertThat(bob.next("message").get("text").asText()).isEqualTo("before");
            String epoch = bob.request("history", "type", "history", "room", "fault").get("epoch").asText();

            cluster.redis().kill();
            await().atMost(REDIS_BACK).until(() -> Cluster.readiness(cluster.node(0)) == 503
                    && Cluster.readiness(cluster.node(1)) == 503);
            long asked = System.nanoTime();
            JsonNode refused = alice.request("error", "type", "send", "id", 7, "room", "fault", "text", "lost");
            assertThat(refused.get("code").asText()).isEqualTo("unavailable");
            assertThat(refused.get("id").asInt()).isEqualTo(7);
            assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(6));
            assertThat(alice.request("error", "type", "join", "room", "elsewhere").get("code").asText())
                    .isEqualTo("unavailable");
            assertThat(bob.request("error", "type", "history", "room", "fault").get("code").asText())
                    .isEqualTo("unavailable");
            alice.request("pong", "type", "ping");
            assertThat(alice.isOpen() && bob.isOpen()).isTrue();

            cluster.redis().restart();
            await().atMost(REDIS_BACK).until(() -> Cluster.readiness(cluster.node(0)) == 200
                    && Cluster.readiness(cluster.node(1)) == 200);
            Cluster.assertStartsOver(alice, bob, "fault", epoch, cluster.node(1), "bob-again");
        }
    }

    @Test
    void aRedisThatDoesNotAnswerInTimeMakesCommandsUnavailableAndTheNodeNotReadyUntilItDoes() {
        cluster = Cluster.start(1, c -> c.with("--redis-timeout-ms", 1_000));
        try (TestSocket alice = TestServers.member(cluster.node(0), "slow-alice", "slow");
             RedisClient admin = RedisClient.create(cluster.redis().uri())) {
            keepBusyForThreeSeconds(admin);
            long asked = System.nanoTime();
            assertThat(alice.request("error", "type", "history", "room", "slow").get("code").asText()).isEqualTo("unavailable");
            assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofMillis(2_800));
            assertThat(Cluster.readiness(cluster.node(0))).isEqualTo(503);
            await().atMost(REDIS_BACK).until(() -> Cluster.readiness(cluster.node(0)) == 200);
            alice.request("ack", "type", "send", "room", "slow", "text", "answered again");
        }
    }

    @Test
    void aNickClaimAnsweredTooLateIsWithdrawnSoThatTheNickIsFreeAgain() {
        cluster = Cluster.start(1, c -> c.with("--redis-timeout-ms", 1_000));
        try (TestSocket carol = TestSocket.connect(cluster.node(0).webSocketUri());
             RedisClient admin = RedisClient.create(cluster.redis().uri())) {
            keepBusyForThreeSeconds(admin);
            assertThat(carol.request("error", "type", "hello", "id", "h", "nick", "late-carol").get("code").asText())
                    .isEqualTo("unavailable");
            // Redis makes the claim once the script ends; without its withdrawal the nick would
            // stay taken for the claim's 40 s, by a session that never got its resume secret.
            await().atMost(REDIS_BACK).until(() -> Cluster.readiness(cluster.node(0)) == 200);
        }
        try (TestSocket again = TestSocket.connect(cluster.node(0).webSocketUri())) {
            again.send("type", "hello", "id", "h", "nick", "late-carol");
            assertThat(again.next().path("type").asText()).isEqualTo("welcome");
        }
    }

    /**
     * Runs a script that keeps Redis busy for 3 s, and returns once it runs (a PING from another
     * connection goes unanswered): other clients' commands wait behind it.
     */
    private static void keepBusyForThreeSeconds(RedisClient admin) {
        StatefulRedisConnection<String, String> probe = admin.connect();
        admin.connect().async().eval("local t = redis.call('time'); local stop = t[1] * 1000000 + t[2] + 3000000; "
                + "repeat t = redis.call('time') until t[1] * 1000000 + t[2] >= stop", ScriptOutputType.STATUS);
        await().atMost(Duration.ofSeconds(2)).until(() -> probe.async().ping().toCompletableFuture()
                .completeOnTimeout("no answer", 300, TimeUnit.MILLISECONDS).join().equals("no answer"));
    }

    @Test
    void lostLastMessagesAreCaughtByThePositionCheck() {
        cluster = Cluster.start(2);
        loseMessagesOfAPublishSubscribeBlip(false);
    }

    @Test
    void aGapInTheLiveMessagesIsFilledFromTheStreamBeforeLaterMessages() {
        cluster = Cluster.start(2, c -> c.with("--redis-check-ms", 60_000));
        loseMessagesOfAPublishSubscribeBlip(true);
    }

    /**
     * Drops every publish/subscribe connection to Redis while messages are being sent, so that
     * some are published while no node listens; with {@code sendAfter}, more follow once the
     * nodes listen again.
     */
    private void loseMessagesOfAPublishSubscribeBlip(boolean sendAfter) {
        int total = 40;
        try (TestSocket sender = TestServers.member(cluster.node(0), "sender", "blip");
             TestSocket here = TestServers.member(cluster.node(0), "here", "blip");
             TestSocket there = TestServers.member(cluster.node(1), "there", "blip");
             RedisClient admin = RedisClient.create(cluster.redis().uri());
             StatefulRedisConnection<String, String> connection = admin.connect()) {
            int sent = sendAfter ? total / 2 : total;
            for (int m = 1; m <= sent; m++) {
                if (m == total / 4) {
                    assertThat(connection.sync().clientKill(KillArgs.Builder.typePubsub())).isPositive();
                }
                sender.send("type", "send", "room", "blip", "text", "m" + m);
            }
            if (sendAfter) {
                await().atMost(REDIS_BACK).until(() -> Cluster.readiness(cluster.node(0)) == 200
                        && Cluster.readiness(cluster.node(1)) == 200);
                for (int m = sent + 1; m <= total; m++) {
                    sender.send("type", "send", "room", "blip", "text", "m" + m);
                }
            }
            for (TestSocket member : new TestSocket[] {sender, here, there}) {
                for (int m = 1; m <= total; m++) {
                    JsonNode message = member.next("message");
                    assertThat(message.get("offset").asLong()).isEqualTo(m);
                    assertThat(message.get("text").asText()).isEqualTo("m" + m);
                }
                assertThat(member.isOpen()).isTrue();
            }
        }
    }
}
