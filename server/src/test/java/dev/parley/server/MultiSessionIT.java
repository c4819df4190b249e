package dev.parley.server;

import dev.parley.testing.Jwts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.net.URI;

/** Several sessions per user on one node, in memory. */
class MultiSessionIT extends MultiSessionContract {
    private static ParleyServer server;

    @BeforeAll
    static void start() {
        server = TestServers.start(c -> c.with("--jwt-hmac-secret", Jwts.SECRET).with("--rate-per-sec", 10_000)
                .with("--burst", 10_000));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Override
    URI node(int index) {
        return server.webSocketUri();
    }
}
