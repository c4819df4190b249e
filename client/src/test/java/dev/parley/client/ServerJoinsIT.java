package dev.parley.client;

import com.sun.net.httpserver.HttpServer;
import dev.parley.protocol.ServerEvent;
import dev.parley.server.ParleyServer;
import dev.parley.testing.TcpProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Rooms the server joins the client to (the connect hook answers {@code join}): told to the
 * listener, tracked like the client's own rooms, re-joined {@code since} after a reconnect.
 */
class ServerJoinsIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final ReconnectPolicy FAST = ReconnectPolicy.exponential(Duration.ofMillis(20), Duration.ofMillis(200));

    @RegisterExtension
    final Resources resources = new Resources();

    /** A connect hook backend that accepts everyone into the lobby, on a free loopback port. */
    private String lobbyHook() throws IOException {
        HttpServer backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        backend.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                byte[] body = "{\"action\":\"accept\",\"join\":[\"lobby\"]}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        backend.start();
        resources.add(() -> backend.stop(0));
        return "http://127.0.0.1:" + backend.getAddress().getPort() + "/connect";
    }

    private ParleyServer hookedServer() throws IOException {
        return resources.server("--hook-secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                "--connect-hook-url", lobbyHook(), "--connect-hook-timeout-ms", 5000,
                "--rate-per-sec", 10_000, "--burst", 10_000);
    }

    private static <T> T result(CompletableFuture<T> future) {
        return future.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    }

    @Test
    void aRoomTheServerJoinsIsToldAndItsMessagesArrive() throws IOException {
        ParleyServer server = hookedServer();
        ParleyClient bob = resources.connect(server.webSocketUri(), ClientOptions.builder("bob"));
        result(bob.send("lobby", "before alice"));
        Recorder alice = new Recorder();
        ParleyClient a = resources.connect(server.webSocketUri(), ClientOptions.builder("alice").listener(alice));

        await().atMost(TIMEOUT).until(() -> !alice.of(ServerEvent.Joined.class).isEmpty());
        ServerEvent.Joined joined = alice.of(ServerEvent.Joined.class).get(0);
        assertThat(joined.id()).isNull();
        assertThat(joined.room()).isEqualTo("lobby");
        assertThat(joined.messages()).extracting(e -> ((ServerEvent.Message) e).text()).containsExactly("before alice");
        assertThat(a.memberCount("lobby")).isPresent();

        result(bob.send("lobby", "after alice"));
        await().atMost(TIMEOUT).until(() -> alice.texts("lobby").contains("after alice"));
        assertThat(alice.texts("lobby")).containsExactly("after alice");
    }

    @Test
    void aReconnectRejoinsSinceAndTheHooksSecondJoinIsNoDuplicate() throws IOException {
        ParleyServer server = hookedServer();
        TcpProxy proxy = resources.add(TcpProxy.to(server.address()));
        Recorder alice = new Recorder();
        ParleyClient a = resources.connect(proxy.rewrite(server.webSocketUri()),
                ClientOptions.builder("alice").listener(alice).reconnect(FAST));
        ParleyClient bob = resources.connect(server.webSocketUri(), ClientOptions.builder("bob"));
        await().atMost(TIMEOUT).until(() -> !alice.of(ServerEvent.Joined.class).isEmpty());
        result(bob.send("lobby", "m1"));
        await().atMost(TIMEOUT).until(() -> alice.texts("lobby").contains("m1"));

        alice.whenDisconnected = () -> bob.send("lobby", "while away");
        proxy.cutAll();
        await().atMost(TIMEOUT).until(() -> alice.of(Recorder.Connected.class).stream()
                .anyMatch(Recorder.Connected::reconnected));
        result(bob.send("lobby", "m2"));

        await().atMost(TIMEOUT).until(() -> alice.texts("lobby").contains("m2"));
        assertThat(alice.texts("lobby")).containsExactly("m1", "while away", "m2");
        assertThat(alice.of(ServerEvent.Joined.class)).hasSize(1);
        assertThat(alice.of(Gap.class)).isEmpty();
        assertThat(a.memberCount("lobby")).isPresent();
    }
}
