package dev.parley.server;

import dev.parley.testing.RawWebSocket;
import dev.parley.testing.TestSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/** A client that stops reading is closed with 4001 and does not slow the others down. */
class SlowConsumerIT {
    /** Enough to pass the outbound limit even after the kernel's socket buffers have taken their share. */
    private static final int MESSAGES = 2_000;
    private static ParleyServer server;

    @BeforeAll
    static void start() {
        server = TestServers.start(c -> c.with("--max-outbound-bytes", 64 * 1024).with("--rate-per-sec", 100_000)
                .with("--burst", 100_000)
                .with("--close-timeout-ms", 10_000).with("--idle-timeout-ms", 30_000).with("--compression", false));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aClientThatDoesNotReadIsClosedWith4001WhileTheOthersReceiveEverything() throws IOException {
        try (RawWebSocket stalled = RawWebSocket.connect(server.address(), "/ws", 4096);
             TestSocket sender = TestServers.member(server, "sender-s", "busy");
             TestSocket reader = TestServers.member(server, "reader-s", "busy")) {
            stalled.sendText("{\"type\":\"hello\",\"nick\":\"stalled\"}");
            stalled.sendText("{\"type\":\"join\",\"room\":\"busy\"}");
            org.awaitility.Awaitility.await().until(() -> sender.queued().stream()
                    .anyMatch(e -> "stalled".equals(e.path("nick").asText())));

            String text = "x".repeat(3_900);
            for (int i = 0; i < MESSAGES; i++) {
                sender.send("type", "send", "room", "busy", "text", text);
            }
            for (int i = 1; i <= MESSAGES; i++) {
                assertThat(reader.next("message").get("offset").asLong()).isEqualTo(i);
            }
            assertThat(reader.isOpen()).isTrue();

            RawWebSocket.Frame close = stalled.readUntil(RawWebSocket.CLOSE);
            assertThat(close.closeCode()).as("found behind the backlog once the client reads again").isEqualTo(4001);
            stalled.sendClose(4001);
            org.awaitility.Awaitility.await().until(() -> server.metrics().scrape()
                    .contains("parley_closes_total{code=\"4001\"} 1.0"));
        }
    }
}
