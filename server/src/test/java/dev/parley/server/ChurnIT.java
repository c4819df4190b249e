package dev.parley.server;

import dev.parley.testing.EventLoops;
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
import static org.awaitility.Awaitility.await;

/**
 * Thousands of connect, hello, join, leave-by-closing cycles, ended every way a connection ends;
 * afterwards no session, membership, nick or timer is left behind.
 */
class ChurnIT {
    private static final int CYCLES = 3_000;
    private static final int CONCURRENCY = 24;
    private static ParleyServer server;

    @BeforeAll
    static void start() {
        server = TestServers.start(c -> c.with("--io-threads", 2).with("--close-timeout-ms", 1_000));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void nothingIsLeftBehind() throws Exception {
        TestSocket observer = TestServers.member(server, "observer", "churn-0");
        ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY);
        try {
            List<CompletableFuture<Void>> cycles = new ArrayList<>();
            for (int i = 0; i < CYCLES; i++) {
                int n = i;
                cycles.add(CompletableFuture.runAsync(() -> cycle(n), pool));
            }
            CompletableFuture.allOf(cycles.toArray(CompletableFuture[]::new)).join();
        } finally {
            pool.shutdownNow();
        }
        await().untilAsserted(() -> {
            assertThat(server.metrics().activeConnections()).isEqualTo(1);
            assertThat(server.hub().memberCount()).isEqualTo(1);
            assertThat(server.hub().activeRooms()).isEqualTo(1);
        });
        assertThat(observer.request("members", "type", "who", "room", "churn-0").get("members"))
                .extracting(n -> n.asText()).containsExactly("observer");
        assertThat(observer.request("rooms", "type", "rooms").get("rooms"))
                .extracting(r -> r.get("room").asText()).containsExactly("churn-0");
        long joins = observer.queued().stream().filter(e -> "join".equals(e.path("event").asText())).count();
        long leaves = observer.queued().stream().filter(e -> "leave".equals(e.path("event").asText())).count();
        assertThat(joins).isEqualTo(CYCLES / 4);
        assertThat(leaves).as("every member that joined churn-0 was seen to leave, once").isEqualTo(joins);
        observer.close();
        await().untilAsserted(() -> {
            assertThat(server.metrics().activeConnections()).isZero();
            assertThat(server.hub().memberCount()).isZero();
            assertThat(server.hub().activeRooms()).isZero();
            assertThat(EventLoops.scheduledTasks(server.workers())).as("timers left on the event loops").isZero();
        });
        for (int i = 0; i < CYCLES; i += 97) {
            try (TestSocket again = TestSocket.login(server.webSocketUri(), "churner" + i)) {
                assertThat(again.isOpen()).as("nick churner%d was freed", i).isTrue();
            }
        }
    }

    /** One connection's life; it ends in one of four ways. */
    private static void cycle(int n) {
        TestSocket socket = TestSocket.login(server.webSocketUri(), "churner" + n);
        socket.request("joined", "type", "join", "room", "churn-" + (n % 4));
        socket.request("joined", "type", "join", "room", "churn-x" + (n % 7));
        switch (n % 4) {
            case 0 -> socket.close();
            case 1 -> socket.client().closeConnection(1006, "dropped");
            case 2 -> {
                socket.request("left", "type", "leave", "room", "churn-x" + (n % 7));
                socket.close();
            }
            default -> {
                socket.send("type", "send", "room", "nowhere", "text", "x");
                socket.next("error");
                socket.client().close(4100, "client going");
            }
        }
        socket.awaitClose();
    }
}
