package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.TestSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** Three nodes on one Redis behave as one server: order, history, recovery, DMs and typing across nodes. */
class ClusterIT {
    static Cluster cluster;

    @BeforeAll
    static void start() {
        cluster = Cluster.start(3);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static TestSocket member(int node, String nick, String room) {
        return TestServers.member(cluster.node(node), nick, room);
    }

    @Test
    void everyMemberOnEveryNodeSeesEveryMessageOnceInOneOrderWhileAllNodesSend() {
        int perSender = 60;
        List<TestSocket> senders = new ArrayList<>();
        List<TestSocket> listeners = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            for (int n = 0; n < 3; n++) {
                senders.add(member(n, "sender" + n, "order"));
                listeners.add(member(n, "listener" + n, "order"));
            }
            List<CompletableFuture<Void>> sending = new ArrayList<>();
            for (int n = 0; n < 3; n++) {
                TestSocket sender = senders.get(n);
                int id = n;
                sending.add(CompletableFuture.runAsync(() -> {
                    for (int m = 0; m < perSender; m++) {
                        sender.send("type", "send", "id", m, "room", "order", "text", id + ":" + m);
                    }
                }, pool));
            }
            CompletableFuture.allOf(sending.toArray(CompletableFuture[]::new)).join();
            int total = 3 * perSender;
            List<String> reference = null;
            List<TestSocket> everyone = new ArrayList<>(listeners);
            everyone.addAll(senders);
            for (TestSocket member : everyone) {
                List<String> seen = new ArrayList<>();
                Set<Long> acked = new HashSet<>();

                int[] next = new int[3];
                while (seen.size() < total) {
                    JsonNode event = member.next();
                    String type = event.get("type").asText();
                    assertThat(type).as("no error: %s", event).isNotEqualTo("error");
                    if (type.equals("ack")) {
                        acked.add(event.get("offset").asLong());
                    } else if (type.equals("message")) {
                        assertThat(event.get("offset").asLong()).isEqualTo(seen.size() + 1);
                        String[] parts = event.get("text").asText().split(":");
                        int sender = Integer.parseInt(parts[0]);
                        assertThat(Integer.parseInt(parts[1])).as("each sender's order").isEqualTo(next[sender]++);
                        if (senders.contains(member) && event.get("from").asText().equals("sender" + senders.indexOf(member))) {
                            assertThat(acked).as("the ack comes before the sender's own message")
                                    .contains(event.get("offset").asLong());
                        }
                        seen.add(event.get("text").asText());
                    }
                }
                if (reference == null) {
                    reference = seen;
                } else {
                    assertThat(seen).as("every member sees the same order").isEqualTo(reference);
                }
            }
        } finally {
            pool.shutdownNow();
            senders.forEach(TestSocket::close);
            listeners.forEach(TestSocket::close);
        }
    }

    @Test
    void joiningABusyRoomOnAnotherNodeShowsNoGapAndNoDuplicateAtTheSeam() throws Exception {
        AtomicBoolean sending = new AtomicBoolean(true);
        try (TestSocket sender = member(0, "busy-sender", "busy")) {
            CompletableFuture<Void> flood = CompletableFuture.runAsync(() -> {
                for (int m = 0; sending.get(); m++) {
                    sender.send("type", "send", "room", "busy", "text", "m" + m);
                    if (m % 20 == 19) {
                        sender.request("pong", "type", "ping");
                    }
                }
            });
            for (int j = 0; j < 6; j++) {
                try (TestSocket joiner = TestSocket.login(cluster.node(1 + j % 2).webSocketUri(), "joiner" + j)) {
                    JsonNode joined = joiner.request("joined", "type", "join", "room", "busy");
                    long offset = joined.get("offset").asLong();
                    JsonNode history = joined.get("messages");
                    if (!history.isEmpty()) {
                        assertThat(history.get(history.size() - 1).get("offset").asLong()).isEqualTo(offset);
                    }
                    for (long expected = offset + 1; expected <= offset + 30; expected++) {
                        assertThat(joiner.next("message").get("offset").asLong()).as("joiner " + j).isEqualTo(expected);
                    }
                }
            }
            sending.set(false);
            flood.get();
        }
    }

    @Test
    void aClientRecoversWhatItMissedOnAnotherNode() {
        try (TestSocket writer = member(1, "writer", "recover")) {
            long seen;
            String epoch;
            try (TestSocket reader = member(0, "reader", "recover")) {
                writer.request("ack", "type", "send", "room", "recover", "text", "one");
                JsonNode first = reader.next("message");
                seen = first.get("offset").asLong();
                epoch = reader.request("history", "type", "history", "room", "recover").get("epoch").asText();
            }
            writer.request("ack", "type", "send", "room", "recover", "text", "two");
            writer.request("ack", "type", "send", "room", "recover", "text", "three");
            // Another nick: the closed session's may still be releasing.
            try (TestSocket back = TestSocket.login(cluster.node(2).webSocketUri(), "reader-back")) {
                JsonNode joined = back.request("joined", "type", "join", "room", "recover",
                        "since", Map.of("epoch", epoch, "offset", seen));
                assertThat(joined.get("recovered").asBoolean()).isTrue();
                assertThat(joined.get("epoch").asText()).isEqualTo(epoch);
                assertThat(joined.get("messages")).extracting(m -> m.get("text").asText()).containsExactly("two", "three");
                writer.request("ack", "type", "send", "room", "recover", "text", "four");
                assertThat(back.next("message").get("text").asText()).isEqualTo("four");
            }
        }
    }

    @Test
    void aSendRepeatedWithItsNonceAfterResumingOnAnotherNodeIsStoredOnce() {
        try (TestSocket watcher = member(1, "nonce-watcher", "nonces");
             TestSocket sender = TestSocket.connect(cluster.node(0).webSocketUri());
             TestSocket resumed = TestSocket.connect(cluster.node(2).webSocketUri())) {
            String resume = sender.request("welcome", "type", "hello", "nick", "nonce-sender").get("resume").asText();
            sender.request("joined", "type", "join", "room", "nonces");
            JsonNode first = sender.request("ack", "type", "send", "room", "nonces", "text", "once", "nonce", "n-1");

            resumed.request("welcome", "type", "hello", "nick", "nonce-sender", "resume", resume);
            resumed.request("joined", "type", "join", "room", "nonces");
            JsonNode again = resumed.request("ack", "type", "send", "room", "nonces", "text", "once", "nonce", "n-1");
            assertThat(again.get("offset").asLong()).isEqualTo(first.get("offset").asLong());
            assertThat(again.get("ts").asLong()).isEqualTo(first.get("ts").asLong());

            watcher.request("ack", "type", "send", "room", "nonces", "text", "marker");
            assertThat(watcher.next("message").get("text").asText()).isEqualTo("once");
            assertThat(watcher.next("message").get("text").asText()).as("once, not twice").isEqualTo("marker");
        }
    }

    @Test
    void historyAndRoomsAreTheSameOnEveryNode() {
        try (TestSocket author = member(0, "author", "shared-history")) {
            for (int i = 1; i <= 3; i++) {
                author.request("ack", "type", "send", "room", "shared-history", "text", "h" + i);
            }
            String epoch = author.request("history", "type", "history", "room", "shared-history").get("epoch").asText();
            for (int n = 1; n < 3; n++) {
                try (TestSocket reader = TestSocket.login(cluster.node(n).webSocketUri(), "historian" + n)) {
                    JsonNode history = reader.request("history", "type", "history", "room", "shared-history",
                            "before", 3, "limit", 5);
                    assertThat(history.get("epoch").asText()).isEqualTo(epoch);
                    assertThat(history.get("messages")).extracting(m -> m.get("text").asText()).containsExactly("h1", "h2");
                    JsonNode rooms = reader.request("rooms", "type", "rooms");
                    assertThat(rooms.get("rooms")).extracting(r -> r.get("room").asText()).contains("shared-history");
                }
            }
        }
    }

    @Test
    void redisTrafficIsMeasured() throws Exception {
        try (TestSocket member = member(0, "measured", "measured")) {
            member.request("ack", "type", "send", "room", "measured", "text", "count me");
            member.next("message");
        }
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(cluster.node(0).httpUri().resolve("/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("lettuce_command_completion_seconds", "parley_redis_pubsub_in_total",
                "parley_redis_pubsub_out_total", "parley_redis_errors_total", "parley_redis_connects_total",
                "parley_redis_reconnect_attempts_total", "parley_redis_up 1.0");
    }

    @Test
    void directMessagesAndTypingCrossNodes() {
        try (TestSocket alice = member(0, "dm-alice", "typing");
             TestSocket bob = member(2, "dm-bob", "typing")) {
            alice.request("ack", "type", "dm", "to", "DM-Bob", "text", "psst");
            JsonNode dm = bob.next("dm");
            assertThat(dm.get("from").asText()).isEqualTo("dm-alice");
            assertThat(dm.get("text").asText()).isEqualTo("psst");
            assertThat(alice.request("error", "type", "dm", "to", "nobody-here", "text", "hello?").get("code").asText())
                    .isEqualTo("no_such_user");

            alice.send("type", "typing", "room", "typing");
            JsonNode typing = bob.next("typing");
            assertThat(typing.get("nick").asText()).isEqualTo("dm-alice");
            alice.request("pong", "type", "ping");
            assertThat(alice.has("typing")).as("the typist is not told of itself").isFalse();
        }
    }
}
