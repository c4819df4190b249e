package dev.parley.server;

import dev.parley.testing.TestSocket;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A graceful stop: not ready at once, serve on through the drain delay, stop accepting, 1001 to
 * every client, wait for their closes, release everything.
 */
class ShutdownIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static int status(ParleyServer server, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(server.httpUri().resolve(path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void everyClientIsClosedWith1001AndTheServerStops() throws Exception {
        ParleyServer server = TestServers.start();
        TestSocket alice = TestServers.member(server, "alice-sd", "closing");
        TestSocket bob = TestSocket.login(server.webSocketUri(), "bob-sd");
        TestSocket anonymous = TestSocket.connect(server.webSocketUri());

        server.stop().get(10, TimeUnit.SECONDS);

        for (TestSocket client : new TestSocket[] {alice, bob, anonymous}) {
            TestSocket.Close close = client.awaitClose();
            assertThat(close.code()).as(close.toString()).isEqualTo(1001);
            assertThat(close.reason()).isEqualTo("server shutting down");
        }
        assertThat(server.stopped()).isCompleted();
        assertThat(server.stop()).as("stopping again is harmless").isCompleted();
        assertThatThrownBy(() -> new Socket(server.address().getAddress(), server.address().getPort()).close())
                .isInstanceOf(IOException.class);
    }

    @Test
    void clientsThatDoNotAnswerAreDroppedAfterTheGracePeriod() throws Exception {
        ParleyServer server = TestServers.start(c -> c.with("--shutdown-grace-ms", 300)
                .with("--close-timeout-ms", 5_000));
        try (dev.parley.testing.RawWebSocket mute = dev.parley.testing.RawWebSocket.connect(server.address(), "/ws")) {
            long start = System.nanoTime();
            server.stop().get(10, TimeUnit.SECONDS);
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(4_000);
            assertThat(mute.readUntil(dev.parley.testing.RawWebSocket.CLOSE).closeCode()).isEqualTo(1001);
            assertThat(mute.awaitEndOfStream()).isTrue();
        }
    }

    @Test
    void duringTheDrainDelayTheServerIsNotReadyButServesOldAndNewSessions() throws Exception {
        ParleyServer server = TestServers.start(c -> c.with("--drain-delay-ms", 1_500));
        try (TestSocket alice = TestServers.member(server, "alice-dr", "draining")) {
            CompletableFuture<Void> stopped = server.stop();
            assertThat(status(server, "/readyz")).isEqualTo(503);
            assertThat(status(server, "/healthz")).as("still alive").isEqualTo(200);
            try (TestSocket late = TestServers.member(server, "late-dr", "draining")) {
                alice.request("ack", "type", "send", "room", "draining", "text", "still here");
                assertThat(late.next("message").get("text").asText()).isEqualTo("still here");
                assertThat(stopped).isNotDone();

                stopped.get(10, TimeUnit.SECONDS);
                assertThat(alice.awaitClose().code()).isEqualTo(1001);
                assertThat(late.awaitClose().code()).isEqualTo(1001);
            }
        }
    }
}
