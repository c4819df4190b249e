package dev.parley.server;

import dev.parley.server.config.ServerConfig;
import dev.parley.testing.RawWebSocket;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The handshake deadline against a slow trickle of headers, the per-address caps (429 before the
 * upgrade), and client addresses through trusted proxies: X-Forwarded-For and the PROXY protocol.
 */
class ConnectionLimitsIT {
    private static final String UPGRADE = "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";

    private static ParleyServer start(UnaryOperator<ServerConfig.Builder> settings) {
        return TestServers.start(c -> settings.apply(c.with("--handshake-timeout-ms", 1_000)));
    }

    /** Sends an upgrade request (after {@code prefix}, with {@code headers}) and returns the status line's code. */
    private static int upgrade(Socket socket, String prefix, String headers) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write((prefix + UPGRADE + headers + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String head = RawWebSocket.readHead(socket.getInputStream());
        return Integer.parseInt(head.substring(9, 12));
    }

    private static Socket open(ParleyServer server) throws IOException {
        return RawWebSocket.connectTcp(server.address());
    }

    @Test
    void headersTrickledOneLineAtATimeAreDroppedAtTheDeadline() throws Exception {
        try (ParleyServer server = start(s -> s); Socket socket = open(server)) {
            long start = System.nanoTime();
            OutputStream out = socket.getOutputStream();
            out.write("GET /ws HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
            int line = 0;
            boolean open = true;
            while (open && (System.nanoTime() - start) < 5_000_000_000L) {
                try {
                    out.write(("X-Slow-" + line++ + ": a\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    socket.setSoTimeout(150);
                    open = socket.getInputStream().read() != -1;
                } catch (SocketTimeoutException stillOpen) {
                    // nothing from the server yet: send the next line
                } catch (IOException reset) {
                    open = false;
                }
            }
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(open).as("dropped while headers were still arriving").isFalse();
            assertThat(elapsedMs).isBetween(900L, 3_000L);
            assertThat(server.metrics().scrape()).contains("parley_connections_refused_total{reason=\"handshake_timeout\"} 1.0");
        }
    }

    @Test
    void aCompletedHandshakeOutlivesTheDeadline() throws Exception {
        try (ParleyServer server = start(s -> s);
             RawWebSocket ws = RawWebSocket.connect(server.address(), "/ws")) {
            ws.sendText("{\"type\":\"hello\",\"nick\":\"patient\"}");
            assertThat(ws.readText()).contains("welcome");
            await().during(Duration.ofMillis(1_500)).atMost(Duration.ofSeconds(3))
                    .until(() -> server.metrics().activeConnections() == 1);
            ws.sendText("{\"type\":\"ping\",\"id\":1}");
            assertThat(ws.readText()).contains("pong");
        }
    }

    @Test
    void openConnectionsPerAddressAreCappedWith429() throws Exception {
        try (ParleyServer server = start(s -> s.with("--max-connections-per-address", 2))) {
            Socket first = open(server);
            Socket second = open(server);
            assertThat(upgrade(first, "", "")).isEqualTo(101);
            assertThat(upgrade(second, "", "")).isEqualTo(101);
            try (Socket third = open(server)) {
                assertThat(upgrade(third, "", "")).isEqualTo(429);
                assertThat(server.metrics().scrape()).contains("parley_connections_refused_total{reason=\"too_many_open\"} 1.0");
                assertThat(third.getInputStream().readAllBytes()).as("closed after the 429").isNotNull();
            }
            first.close();
            await().untilAsserted(() -> {
                try (Socket again = open(server)) {
                    assertThat(upgrade(again, "", "")).isEqualTo(101);
                }
            });
            second.close();
        }
    }

    @Test
    void newConnectionsPerSecondPerAddressAreCappedWith429() throws Exception {
        try (ParleyServer server = start(s -> s.with("--connections-per-sec-per-address", 3))) {
            List<Integer> codes = new ArrayList<>();
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    Socket socket = open(server);
                    sockets.add(socket);
                    codes.add(upgrade(socket, "", ""));
                }
            } finally {
                for (Socket socket : sockets) {
                    socket.close();
                }
            }
            assertThat(codes).containsExactly(101, 101, 101, 429, 429);
            assertThat(server.metrics().scrape()).contains("parley_connections_refused_total{reason=\"too_fast\"} 2.0");
        }
    }

    @Test
    void forwardedForIsBelievedOnlyFromTrustedProxies() throws Exception {
        try (ParleyServer behindProxy = start(s -> s.with("--max-connections-per-address", 1)
                .with("--trust-proxy", List.of("127.0.0.0/8")));
             Socket a = open(behindProxy); Socket b = open(behindProxy); Socket c = open(behindProxy);
             Socket spoof = open(behindProxy)) {
            assertThat(upgrade(a, "", "X-Forwarded-For: 203.0.113.1\r\n")).isEqualTo(101);
            assertThat(upgrade(b, "", "X-Forwarded-For: 203.0.113.2\r\n")).isEqualTo(101);
            assertThat(upgrade(c, "", "X-Forwarded-For: 203.0.113.1\r\n")).isEqualTo(429);
            assertThat(upgrade(spoof, "", "X-Forwarded-For: 198.51.100.7, 203.0.113.1\r\n"))
                    .as("what the client wrote left of an untrusted hop is not believed").isEqualTo(429);
        }
        try (ParleyServer direct = start(s -> s.with("--max-connections-per-address", 1));
             Socket a = open(direct); Socket b = open(direct)) {
            assertThat(upgrade(a, "", "X-Forwarded-For: 203.0.113.1\r\n")).isEqualTo(101);
            assertThat(upgrade(b, "", "X-Forwarded-For: 203.0.113.2\r\n")).as("no trusted proxy: header ignored")
                    .isEqualTo(429);
        }
    }

    @Test
    void proxyProtocolGivesTheClientAddressFromTrustedProxies() throws Exception {
        try (ParleyServer server = start(s -> s.with("--max-connections-per-address", 1)
                .with("--trust-proxy", List.of("127.0.0.1")));
             Socket a = open(server); Socket b = open(server); Socket c = open(server); Socket plain = open(server)) {
            assertThat(upgrade(a, proxyLine("192.0.2.10"), "")).isEqualTo(101);
            assertThat(upgrade(b, proxyLine("192.0.2.11"), "")).isEqualTo(101);
            assertThat(upgrade(c, proxyLine("192.0.2.10"), "")).isEqualTo(429);
            assertThat(upgrade(plain, "", "")).as("a connection without the header is the proxy's own").isEqualTo(101);
        }
        try (ParleyServer untrusting = start(s -> s); Socket socket = open(untrusting)) {
            socket.getOutputStream().write((proxyLine("192.0.2.10") + UPGRADE + "\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String head = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(head).as("an untrusted peer's PROXY line is a bad request").startsWith("HTTP/1.1 400");
        }
    }

    private static String proxyLine(String source) {
        return "PROXY TCP4 " + source + " 127.0.0.1 40000 8080\r\n";
    }

    @Test
    void addressLimitsAreOffByDefault() throws Exception {
        try (ParleyServer server = TestServers.start()) {
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < 20; i++) {
                    Socket socket = new Socket();
                    socket.connect(new InetSocketAddress("127.0.0.1", server.address().getPort()));
                    sockets.add(socket);
                    assertThat(upgrade(socket, "", "")).isEqualTo(101);
                }
            } finally {
                for (Socket socket : sockets) {
                    socket.close();
                }
            }
        }
    }
}
