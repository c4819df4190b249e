package dev.parley.client;

import dev.parley.protocol.CloseCode;
import dev.parley.protocol.ServerEvent;
import dev.parley.server.ParleyServer;
import dev.parley.server.config.ServerConfig;
import dev.parley.testing.TcpProxy;
import dev.parley.testing.TestSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/** Losing the connection and coming back: resume, re-join with {@code since}, each message once and in order. */
class ReconnectIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final ReconnectPolicy FAST = ReconnectPolicy.exponential(Duration.ofMillis(20), Duration.ofMillis(200));
    /** Slow enough that a test can act while the client waits to reconnect. */
    private static final ReconnectPolicy PATIENT =
            ReconnectPolicy.exponential(Duration.ofMillis(700), Duration.ofMillis(700)).withJitter(0);

    private ParleyServer server;
    private TcpProxy proxy;
    private final List<AutoCloseable> resources = new ArrayList<>();

    private ParleyServer start(ServerConfig.Builder config) {
        server = ParleyServer.start(config.with("--host", "127.0.0.1").with("--warm-up-messages", 0).with("--rate-per-sec", 10_000)
                .with("--burst", 10_000).build());
        return server;
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable resource : resources) {
            resource.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private ParleyClient connect(URI uri, ClientOptions.Builder options) {
        ParleyClient client = ParleyClient.connect(uri, options.build()).orTimeout(10, TimeUnit.SECONDS).join();
        resources.add(client);
        return client;
    }

    private URI throughProxy() {
        proxy = TcpProxy.to(server.address());
        return proxy.rewrite(server.webSocketUri());
    }

    private static <T> T result(CompletableFuture<T> future) {
        return future.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    }

    @Test
    void cutsWhileMessagesFlowLoseAndRepeatNothing() throws Exception {
        start(ServerConfig.builder().with("--port", 0).with("--history-size", 1000));
        Recorder alice = new Recorder();
        ParleyClient a = connect(throughProxy(), ClientOptions.builder("alice").listener(alice).reconnect(FAST));
        ParleyClient b = connect(server.webSocketUri(), ClientOptions.builder("bob"));
        result(a.join("general"));
        result(b.join("general"));

        int total = 300;
        CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
            for (int i = 1; i <= total; i++) {
                result(b.send("general", "m" + i));
            }
        });
        for (int cut = 1; cut <= 3; cut++) {
            int seen = cut * 60;
            await().atMost(TIMEOUT).until(() -> alice.texts("general").size() >= seen && a.state() == ConnectionState.CONNECTED);
            proxy.cutAll();
            int reconnects = cut;
            await().atMost(TIMEOUT).until(() -> alice.of(Recorder.Connected.class).stream()
                    .filter(Recorder.Connected::reconnected).count() >= reconnects);
        }
        sent.get(30, TimeUnit.SECONDS);

        await().atMost(TIMEOUT).until(() -> alice.texts("general").size() >= total);
        List<String> expected = IntStream.rangeClosed(1, total).mapToObj(i -> "m" + i).collect(Collectors.toList());
        assertThat(alice.texts("general")).containsExactlyElementsOf(expected);
        assertThat(alice.of(Gap.class)).isEmpty();
        assertThat(alice.of(Disconnect.class)).hasSize(3);
        assertThat(a.state()).isEqualTo(ConnectionState.CONNECTED);
        // the resumed session is the same user, still in the room
        assertThat(result(b.who("general")).members()).containsExactly("alice", "bob");
    }

    @Test
    void requestsWaitForTheReconnect() {
        start(ServerConfig.builder().with("--port", 0));
        Recorder alice = new Recorder();
        ParleyClient a = connect(throughProxy(), ClientOptions.builder("alice").listener(alice).reconnect(PATIENT));
        result(a.join("general"));
        CompletableFuture<ServerEvent.Ack> whileAway = new CompletableFuture<>();
        alice.whenDisconnected = () -> a.send("general", "sent while away").whenComplete(complete(whileAway));

        proxy.cutAll();

        assertThat(result(whileAway).offset()).isEqualTo(1L);
        await().atMost(TIMEOUT).until(() -> alice.texts("general").contains("sent while away"));
        assertThat(alice.of(Recorder.Connected.class)).extracting(Recorder.Connected::reconnected).containsExactly(false, true);
    }

    @Test
    void aSendWhoseAckWasLostGoesAgainWithItsNonceAfterTheResumeAndIsStoredOnce() {
        start(ServerConfig.builder().with("--port", 0));
        Recorder alice = new Recorder();
        Recorder bob = new Recorder();
        ParleyClient a = connect(throughProxy(), ClientOptions.builder("alice").listener(alice).reconnect(FAST));
        ParleyClient b = connect(server.webSocketUri(), ClientOptions.builder("bob").listener(bob));
        result(a.join("general"));
        result(b.join("general"));

        proxy.holdToClient();
        CompletableFuture<ServerEvent.Ack> sent = a.send("general", "once");
        await().atMost(TIMEOUT).until(() -> bob.texts("general").contains("once"));
        proxy.cutAll();

        assertThat(result(sent).offset()).as("the stored message's ack").isEqualTo(1L);
        result(b.send("general", "after"));
        await().atMost(TIMEOUT).until(() -> alice.texts("general").contains("after"));
        assertThat(alice.texts("general")).as("recovered once, not sent twice").containsExactly("once", "after");
        assertThat(bob.texts("general")).containsExactly("once", "after");
        assertThat(result(a.history("general")).messages()).extracting(ServerEvent.Message::text)
                .containsExactly("once", "after");
    }

    @Test
    void aSendLostOnTheWayGoesAgainAfterTheResumeAndIsStoredOnce() {
        start(ServerConfig.builder().with("--port", 0));
        Recorder alice = new Recorder();
        ParleyClient a = connect(throughProxy(), ClientOptions.builder("alice").listener(alice).reconnect(FAST));
        result(a.join("general"));

        proxy.holdToServer();
        CompletableFuture<ServerEvent.Ack> first = a.send("general", "first");
        CompletableFuture<ServerEvent.Ack> second = a.send("general", "second");
        proxy.cutAll();

        assertThat(result(first).offset()).isEqualTo(1L);
        assertThat(result(second).offset()).as("sent again in their order").isEqualTo(2L);
        await().atMost(TIMEOUT).until(() -> alice.texts("general").size() >= 2);
        assertThat(result(a.history("general")).messages()).extracting(ServerEvent.Message::text)
                .containsExactly("first", "second");
        assertThat(alice.texts("general")).containsExactly("first", "second");
    }

    @Test
    void requestsFailFastWhenTheOptionsSaySo() {
        start(ServerConfig.builder().with("--port", 0));
        Recorder alice = new Recorder();
        ParleyClient a = connect(throughProxy(), ClientOptions.builder("alice").listener(alice).reconnect(PATIENT)
                .whileReconnecting(WhileReconnecting.FAIL));
        CompletableFuture<ServerEvent.Pong> whileAway = new CompletableFuture<>();
        alice.whenDisconnected = () -> a.ping().whenComplete(complete(whileAway));

        proxy.cutAll();

        assertThat(catchThrowable(() -> result(whileAway))).hasCauseInstanceOf(ParleyConnectionException.class);
        await().atMost(TIMEOUT).until(() -> a.state() == ConnectionState.CONNECTED);
        assertThat(result(a.ping()).ts()).isPositive();
    }

    /** Passes a request's outcome on to {@code target}. */
    private static <T> BiConsumer<T, Throwable> complete(CompletableFuture<T> target) {
        return (value, failure) -> {
            if (failure == null) {
                target.complete(value);
            } else {
                target.completeExceptionally(failure);
            }
        };
    }

    @Test
    void aRestartedServerIsReportedAsAGap() {
        start(ServerConfig.builder().with("--port", 0));
        int port = server.address().getPort();
        Recorder alice = new Recorder();
        ParleyClient a = connect(server.webSocketUri(), ClientOptions.builder("alice").listener(alice).reconnect(FAST));
        ParleyClient b = connect(server.webSocketUri(), ClientOptions.builder("bob"));
        ServerEvent.Joined before = result(a.join("general"));
        result(b.join("general"));
        result(b.send("general", "before the restart"));
        await().atMost(TIMEOUT).until(() -> alice.texts("general").size() == 1);
        b.close();

        server.close();
        await().atMost(TIMEOUT).until(() -> alice.of(Disconnect.class).size() == 1);
        assertThat(a.state()).isEqualTo(ConnectionState.RECONNECTING);
        assertThat(alice.of(Disconnect.class)).extracting(Disconnect::closeCode).containsExactly(CloseCode.GOING_AWAY);
        start(ServerConfig.builder().with("--port", port));

        await().atMost(TIMEOUT).until(() -> a.state() == ConnectionState.CONNECTED);
        assertThat(alice.of(Gap.class)).hasSize(1);
        Gap gap = alice.of(Gap.class).get(0);
        assertThat(gap.room()).isEqualTo("general");
        assertThat(gap.lastSeen().epoch()).isEqualTo(before.epoch());
        assertThat(gap.lastSeen().offset()).isEqualTo(1L);
        assertThat(gap.historyLost()).isTrue();

        ParleyClient carol = connect(server.webSocketUri(), ClientOptions.builder("carol"));
        result(carol.join("general"));
        result(carol.send("general", "after the restart"));
        await().atMost(TIMEOUT).until(() -> alice.texts("general").size() == 2);
        assertThat(alice.texts("general")).containsExactly("before the restart", "after the restart");
        int gapAt = alice.events.indexOf(gap);
        assertThat(alice.events.subList(gapAt, alice.events.size()))
                .filteredOn(e -> e instanceof Recorder.Connected).hasSize(1);
    }

    @Test
    void aSessionTakenOverEndsTheClient() {
        start(ServerConfig.builder().with("--port", 0));
        Recorder alice = new Recorder();
        ParleyClient a = connect(server.webSocketUri(), ClientOptions.builder("alice").listener(alice));

        try (TestSocket thief = TestSocket.connect(server.webSocketUri())) {
            thief.send("type", "hello", "id", 1, "nick", "alice", "resume", a.welcome().resume());
            thief.next("welcome");

            Throwable cause = alice.closed.orTimeout(10, TimeUnit.SECONDS).join();
            assertThat(cause).isInstanceOf(ParleyConnectionException.class);
            assertThat(((ParleyConnectionException) cause).disconnect().closeCode()).isEqualTo(CloseCode.SESSION_REPLACED);
            assertThat(a.state()).isEqualTo(ConnectionState.CLOSED);
        }
    }

    @Test
    void withoutReconnectALostConnectionClosesTheClient() {
        start(ServerConfig.builder().with("--port", 0));
        Recorder alice = new Recorder();
        ParleyClient a = connect(throughProxy(), ClientOptions.builder("alice").listener(alice)
                .reconnect(ReconnectPolicy.DISABLED));

        proxy.cutAll();

        assertThat(alice.closed).succeedsWithin(TIMEOUT).isInstanceOf(ParleyConnectionException.class);
        assertThat(a.state()).isEqualTo(ConnectionState.CLOSED);
        assertThat(alice.of(Disconnect.class)).isEmpty();
        assertThat(catchThrowable(() -> result(a.ping()))).hasCauseInstanceOf(ParleyConnectionException.class);
    }

    @Test
    void givesUpAfterMaxAttempts() {
        start(ServerConfig.builder().with("--port", 0));
        Recorder alice = new Recorder();
        ParleyClient a = connect(throughProxy(), ClientOptions.builder("alice").listener(alice)
                .reconnect(FAST.withMaxAttempts(2)));

        proxy.close();

        assertThat(alice.closed).succeedsWithin(TIMEOUT).isInstanceOf(ParleyConnectionException.class)
                .extracting(Throwable::getMessage).asString().contains("gave up reconnecting after 2 attempts");
        assertThat(alice.of(Disconnect.class)).hasSize(1);
        assertThat(a.state()).isEqualTo(ConnectionState.CLOSED);
    }

    @Test
    void heartbeatsKeepAQuietConnectionOpen() {
        start(ServerConfig.builder().with("--port", 0).with("--heartbeat-ms", 100).with("--idle-timeout-ms", 400));
        Recorder alice = new Recorder();
        ParleyClient a = connect(server.webSocketUri(), ClientOptions.builder("alice").listener(alice)
                .heartbeatMargin(Duration.ofMillis(300)));

        await().during(Duration.ofMillis(1500)).atMost(TIMEOUT)
                .until(() -> a.state() == ConnectionState.CONNECTED && alice.of(Disconnect.class).isEmpty());
    }
}
