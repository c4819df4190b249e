package dev.parley.server;

import dev.parley.testing.RawWebSocket;
import dev.parley.testing.TestSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Heartbeats, the idle timeout, and the deadlines of both handshakes, with short intervals. */
class LivenessIT {
    private static ParleyServer server;

    @BeforeAll
    static void start() {
        server = TestServers.start(c -> c.with("--heartbeat-ms", 200).with("--idle-timeout-ms", 1_000)
                .with("--close-timeout-ms", 500)
                .with("--handshake-timeout-ms", 700).with("--hello-timeout-ms", 5_000));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theServerPingsEveryHeartbeat() throws IOException {
        try (RawWebSocket ws = RawWebSocket.connect(server.address(), "/ws")) {
            long start = System.nanoTime();
            ws.readUntil(RawWebSocket.PING);
            ws.send(RawWebSocket.PONG, true, new byte[0]);
            ws.readUntil(RawWebSocket.PING);
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(elapsedMs).as("two pings take about two heartbeats").isGreaterThanOrEqualTo(350);
        }
    }

    @Test
    void aClientThatAnswersPingsStaysPastTheIdleTimeout() {
        try (TestSocket quiet = TestSocket.login(server.webSocketUri(), "quiet-l")) {
            await().during(Duration.ofMillis(2_500)).atMost(Duration.ofSeconds(6)).until(quiet::isOpen);
        }
    }

    @Test
    void silenceClosesWith4000() throws IOException {
        try (RawWebSocket ws = RawWebSocket.connect(server.address(), "/ws")) {
            ws.sendText("{\"type\":\"hello\",\"nick\":\"silent-l\"}");
            RawWebSocket.Frame close = ws.readUntil(RawWebSocket.CLOSE);
            assertThat(close.closeCode()).isEqualTo(4000);
            assertThat(new String(close.payload(), 2, close.payload().length - 2, java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo("idle timeout");
        }
    }

    @Test
    void aClientThatNeverAnswersTheCloseIsDropped() throws IOException {
        try (RawWebSocket ws = RawWebSocket.connect(server.address(), "/ws")) {
            ws.readUntil(RawWebSocket.CLOSE);
            long start = System.nanoTime();
            assertThat(ws.awaitEndOfStream()).isTrue();
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000);
        }
    }

    @Test
    void aClientThatAnswersTheCloseIsClosedAtOnce() throws IOException {
        try (RawWebSocket ws = RawWebSocket.connect(server.address(), "/ws")) {
            ws.readUntil(RawWebSocket.CLOSE);
            ws.sendClose(4000);
            assertThat(ws.awaitEndOfStream()).isTrue();
        }
    }

    @Test
    void theServerAnswersAClientsClose() throws IOException {
        try (RawWebSocket ws = RawWebSocket.connect(server.address(), "/ws")) {
            ws.sendClose(1000);
            assertThat(ws.readUntil(RawWebSocket.CLOSE).closeCode()).isEqualTo(1000);
            assertThat(ws.awaitEndOfStream()).isTrue();
        }
    }

    @Test
    void aConnectionThatNeverCompletesTheHandshakeIsDropped() throws IOException {
        try (Socket tcp = RawWebSocket.connectTcp(server.address())) {
            tcp.getOutputStream().write("GET /ws HTTP/1.1\r\nHost: x\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertThat(tcp.getInputStream().read()).as("dropped without an answer").isEqualTo(-1);
        }
        try (Socket tcp = RawWebSocket.connectTcp(server.address())) {
            assertThat(tcp.getInputStream().read()).as("a connection that says nothing is dropped").isEqualTo(-1);
        }
    }
}
