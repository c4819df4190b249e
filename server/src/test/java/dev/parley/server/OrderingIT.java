package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.TestSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Offsets are assigned and delivered in one order to every member even when the senders sit on
 * different event loops and send at once.
 */
class OrderingIT {
    private static final int SENDERS = 8;
    private static final int LISTENERS = 4;
    private static final int MESSAGES_EACH = 150;
    private static ParleyServer server;

    @BeforeAll
    static void start() {
        server = TestServers.start(c -> c.with("--io-threads", 4).with("--rate-per-sec", 100_000)
                .with("--burst", 100_000).with("--history-size", 10));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void everyMemberSeesEveryMessageOnceInOffsetOrder() throws Exception {
        List<TestSocket> senders = new ArrayList<>();
        List<TestSocket> members = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(SENDERS);
        try {
            for (int i = 0; i < SENDERS; i++) {
                senders.add(TestServers.member(server, "sender" + i, "ordered"));
            }
            for (int i = 0; i < LISTENERS; i++) {
                members.add(TestServers.member(server, "listener" + i, "ordered"));
            }
            members.addAll(senders);
            List<CompletableFuture<Void>> sending = new ArrayList<>();
            for (int s = 0; s < SENDERS; s++) {
                TestSocket sender = senders.get(s);
                int id = s;
                sending.add(CompletableFuture.runAsync(() -> {
                    for (int m = 0; m < MESSAGES_EACH; m++) {
                        sender.send("type", "send", "room", "ordered", "text", id + ":" + m);
                    }
                }, pool));
            }
            CompletableFuture.allOf(sending.toArray(CompletableFuture[]::new)).join();

            int total = SENDERS * MESSAGES_EACH;
            List<String> reference = null;
            for (TestSocket member : members) {
                List<String> seen = new ArrayList<>(total);
                int[] nextFromSender = new int[SENDERS];
                for (long offset = 1; offset <= total; offset++) {
                    JsonNode message = member.next("message");
                    assertThat(message.get("offset").asLong()).isEqualTo(offset);
                    String[] parts = message.get("text").asText().split(":");
                    int sender = Integer.parseInt(parts[0]);
                    assertThat(Integer.parseInt(parts[1])).as("each sender's own order is kept")
                            .isEqualTo(nextFromSender[sender]++);
                    seen.add(message.get("text").asText());
                }
                if (reference == null) {
                    reference = seen;
                } else {
                    assertThat(seen).as("every member sees the same order").isEqualTo(reference);
                }
            }
            for (TestSocket sender : senders) {
                List<Long> acked = new ArrayList<>();
                for (int m = 0; m < MESSAGES_EACH; m++) {
                    acked.add(sender.next("ack").get("offset").asLong());
                }
                assertThat(acked).isSorted();
            }
        } finally {
            pool.shutdownNow();
            members.forEach(TestSocket::close);
        }
    }
}
