package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.PostgresServer;
import dev.parley.testing.TestSocket;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.parley.server.DurableEvents.storedTexts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A primary with a synchronous streaming standby, the node's URL naming both: the primary killed
 * with SIGKILL, the standby promoted, and the node writes to the new primary by itself, with every
 * event it acked before the crash.
 */
class DatabaseFailoverIT {
    private static final Duration WITHIN = Duration.ofSeconds(30);

    private static String failoverUrl(PostgresServer primary, PostgresServer standby) {
        return "postgresql://" + PostgresServer.USER + ":" + PostgresServer.PASSWORD + "@127.0.0.1:" + primary.port()
                + ",127.0.0.1:" + standby.port() + "/" + PostgresServer.DATABASE + "?targetServerType=primary";
    }

    @Test
    void thePrimaryKilledAndTheStandbyPromotedTheNodeWritesToTheNewPrimaryWithEveryAckedEvent() throws SQLException {
        try (PostgresServer primary = PostgresServer.start();
             PostgresServer standby = primary.startStandby()) {
            primary.requireSynchronousStandby();
            try (ParleyServer server = TestServers.start(config -> config.with("--database-url", failoverUrl(primary, standby))
                    .with("--database-timeout-ms", 1000).with("--rate-per-sec", 10_000).with("--burst", 10_000));
                 TestSocket alice = TestServers.member(server, "alice", "failover")) {
                List<String> acked = new ArrayList<>();
                for (int i = 1; i <= 50; i++) {
                    alice.send("type", "send", "id", i, "room", "failover", "text", "f" + i, "nonce", "n-" + i);
                }
                for (int i = 1; i <= 50; i++) {
                    JsonNode ack = alice.next("ack");
                    assertThat(ack.get("offset").asLong()).isEqualTo(i);
                    acked.add("f" + i);
                }
                String epoch = alice.request("history", "type", "history", "room", "failover").get("epoch").asText();

                primary.crash();
                JsonNode refused = alice.request("error", "type", "send", "id", "down", "room", "failover", "text", "lost");
                assertThat(refused.get("code").asText()).isEqualTo("unavailable");
                await().atMost(WITHIN).until(() -> Cluster.readiness(server) == 503);
                assertThat(storedTexts(standby, "failover")).as("a synchronous standby has every ack").isEqualTo(acked);

                standby.promote();
                await().atMost(WITHIN).until(() -> Cluster.readiness(server) == 200);
                await().atMost(WITHIN).until(() -> {
                    alice.send("type", "send", "id", "again", "room", "failover", "text", "on the new primary", "nonce", "n-new");
                    return alice.take(reply -> "again".equals(reply.path("id").asText()), "the reply").path("type").asText()
                            .equals("ack");
                });
                acked.add("on the new primary");
                JsonNode history = alice.request("history", "type", "history", "room", "failover", "limit", 100);
                assertThat(history.get("epoch").asText()).isEqualTo(epoch);
                List<String> texts = new ArrayList<>();
                history.get("messages").forEach(message -> texts.add(message.get("text").asText()));
                assertThat(texts).isEqualTo(acked);
                assertThat(storedTexts(standby, "failover")).isEqualTo(acked);
            }
        }
    }
}
