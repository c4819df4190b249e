package dev.parley.server;

import dev.parley.testing.RawWebSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * A real HAProxy in front of the server, sending the PROXY protocol: the per-address limit counts
 * the clients' own addresses (127.0.0.5 and 127.0.0.6 here), not the proxy's.
 */
class HaproxyIT {
    private static final Path HAPROXY = Path.of("/usr/sbin/haproxy");

    @TempDir
    Path dir;
    private ParleyServer server;
    private Process haproxy;
    private int port;

    @BeforeEach
    void start() throws Exception {
        assumeThat(HAPROXY).as("needs haproxy (apt-get install haproxy)").exists();
        server = TestServers.start(c -> c
                .with("--trust-proxy", List.of("127.0.0.1/32")).with("--max-connections-per-address", 1));
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Path config = dir.resolve("haproxy.cfg");
        Files.writeString(config, String.join("\n",
                "defaults",
                "  mode tcp",
                "  timeout connect 5s",
                "  timeout client 30s",
                "  timeout server 30s",
                "frontend chat",
                "  bind 127.0.0.1:" + port,
                "  default_backend parley",
                "backend parley",
                "  server parley 127.0.0.1:" + server.address().getPort() + " send-proxy",
                ""));
        haproxy = new ProcessBuilder(HAPROXY.toString(), "-db", "-f", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.log").toFile()).start();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                return true;
            }
        });
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (haproxy != null) {
            haproxy.destroy();
            if (!haproxy.waitFor(5, TimeUnit.SECONDS)) {
                haproxy.destroyForcibly();
            }
        }
        if (server != null) {
            server.close();
        }
    }

    /** Connects from {@code source} through HAProxy and sends an upgrade; returns the status code. */
    private int upgradeFrom(String source, List<Socket> open) throws IOException {
        Socket socket = new Socket();
        open.add(socket);
        socket.bind(new InetSocketAddress(source, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write(("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return Integer.parseInt(RawWebSocket.readHead(socket.getInputStream()).substring(9, 12));
    }

    @Test
    void theLimitCountsTheAddressHaproxyAnnounces() throws Exception {
        List<Socket> open = new ArrayList<>();
        try {
            assertThat(upgradeFrom("127.0.0.5", open)).isEqualTo(101);
            assertThat(upgradeFrom("127.0.0.6", open)).as("another client behind the same proxy").isEqualTo(101);
            assertThat(upgradeFrom("127.0.0.5", open)).as("the first client's second connection").isEqualTo(429);
        } finally {
            for (Socket socket : open) {
                socket.close();
            }
        }
    }
}
