package dev.parley.client;

import dev.parley.protocol.ServerEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * Timeouts, heartbeats, a refused resume and closing, against a scripted server that does what a
 * real one never does on its own: stays silent, or answers a resume with {@code nick_taken}.
 */
class LifecycleIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private ScriptedServer server;
    private final List<ParleyClient> clients = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        clients.forEach(ParleyClient::close);
        if (server != null) {
            server.close();
        }
    }

    private ParleyClient connect(ClientOptions.Builder options) {
        ParleyClient client = ParleyClient.connect(server.uri(), options.build()).orTimeout(10, TimeUnit.SECONDS).join();
        clients.add(client);
        return client;
    }

    /** Threads of the library: its own two, and Java-WebSocket's reader and writer of each connection. */
    static List<String> clientThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith("parley-client-") || name.startsWith("WebSocketConnectReadThread")
                        || name.startsWith("WebSocketWriteThread"))
                .toList();
    }

    @Test
    void aRequestWithoutReplyTimesOut() {
        server = ScriptedServer.silentAfterWelcome(60_000);
        ParleyClient client = connect(ClientOptions.builder("alice").requestTimeout(Duration.ofMillis(300)));

        CompletableFuture<ServerEvent.Members> who = client.who("general");

        Throwable failure = catchThrowable(() -> who.get(10, TimeUnit.SECONDS));
        assertThat(failure).hasCauseInstanceOf(TimeoutException.class);
        assertThat(server.received("who")).hasSize(1);
        assertThat(client.state()).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void aSilentServerIsProbedThenDropped() {
        server = ScriptedServer.silentAfterWelcome(200);
        Recorder alice = new Recorder();
        connect(ClientOptions.builder("alice").listener(alice).heartbeatMargin(Duration.ofMillis(200))
                .reconnect(ReconnectPolicy.exponential(Duration.ofMillis(10), Duration.ofMillis(50))));

        await().atMost(TIMEOUT).until(() -> server.received("hello").size() >= 2);
        assertThat(server.received("ping")).isNotEmpty();
        assertThat(server.received("ping").get(0).connection()).isEqualTo(1);
        assertThat(alice.of(Disconnect.class)).first().extracting(Disconnect::code).isEqualTo(Disconnect.NO_HEARTBEAT);
        ScriptedServer.Received resume = server.received("hello").get(1);
        assertThat(resume.connection()).isEqualTo(2);
        assertThat(resume.command().path("resume").asText()).isEqualTo("r1");
    }

    @Test
    void aResumeRefusedWithNickTakenIsRetried() {
        server = new ScriptedServer((connection, command) -> {
            if (!command.path("type").asText().equals("hello")) {
                return null;
            }
            return connection == 2 ? ScriptedServer.error(command, "nick_taken")
                    : ScriptedServer.welcome(command, "r" + connection, 60_000);
        });
        Recorder alice = new Recorder();
        ParleyClient client = connect(ClientOptions.builder("alice").listener(alice)
                .reconnect(ReconnectPolicy.exponential(Duration.ofMillis(10), Duration.ofMillis(50))));

        server.closeAll(1001);

        await().atMost(TIMEOUT).until(() -> alice.of(Recorder.Connected.class).size() == 2);
        assertThat(server.received("hello")).extracting(ScriptedServer.Received::connection).containsExactly(1, 2, 3);
        assertThat(server.received("hello")).extracting(r -> r.command().path("resume").asText(null))
                .containsExactly(null, "r1", "r1");
        assertThat(client.welcome().resume()).isEqualTo("r3");
        assertThat(client.state()).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void aSendLostWithItsConnectionIsNotSentAgainToAServerThatKeepsNoNonces() {
        // The scripted welcome has no features: a server older than version 1.2 would store a repeat.
        server = ScriptedServer.silentAfterWelcome(60_000);
        ParleyClient client = connect(ClientOptions.builder("alice"));
        CompletableFuture<ServerEvent.Ack> lost = client.send("general", "first");
        await().atMost(TIMEOUT).until(() -> server.received("send").size() == 1);

        server.closeAll(1001);

        assertThat(catchThrowable(() -> lost.orTimeout(10, TimeUnit.SECONDS).join()))
                .hasCauseInstanceOf(ParleyConnectionException.class);
        await().atMost(TIMEOUT).until(() -> client.state() == ConnectionState.CONNECTED);
        client.send("general", "second");
        await().atMost(TIMEOUT).until(() -> server.received("send").size() >= 2);
        assertThat(server.received("send")).extracting(r -> r.command().path("text").asText())
                .containsExactly("first", "second");
    }

    @Test
    void closeCancelsPendingRequestsAndEndsEveryThread() throws Exception {
        server = ScriptedServer.silentAfterWelcome(60_000);
        Recorder alice = new Recorder();
        ParleyClient client = connect(ClientOptions.builder("alice").listener(alice));
        List<CompletableFuture<?>> pending = List.of(client.join("general"), client.send("general", "hi"),
                client.who("general"), client.rooms(), client.history("general"), client.ping(), client.dm("bob", "x"));
        await().atMost(TIMEOUT).until(() -> server.received.size() == 1 + pending.size());

        client.close();

        assertThat(pending).allMatch(CompletableFuture::isCancelled);
        assertThat(catchThrowable(() -> pending.get(0).join())).isInstanceOf(CancellationException.class);
        assertThat(client.state()).isEqualTo(ConnectionState.CLOSED);
        assertThat(alice.closed).isCompletedWithValue(null);
        await().atMost(TIMEOUT).until(() -> clientThreads().isEmpty());

        client.close();
        assertThat(alice.of(Recorder.Closed.class)).hasSize(1);
    }

    @Test
    void closeIsSafeFromManyThreadsAtOnce() throws Exception {
        server = ScriptedServer.silentAfterWelcome(60_000);
        Recorder alice = new Recorder();
        ParleyClient client = connect(ClientOptions.builder("alice").listener(alice));
        CompletableFuture<ServerEvent.Pong> ping = client.ping();
        List<Thread> closers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Thread t = new Thread(client::close);
            closers.add(t);
            t.start();
        }
        for (Thread t : closers) {
            t.join(TIMEOUT.toMillis());
            assertThat(t.isAlive()).isFalse();
        }

        assertThat(ping).isCancelled();
        assertThat(alice.closed).isCompletedWithValue(null);
        assertThat(alice.of(Recorder.Closed.class)).hasSize(1);
        await().atMost(TIMEOUT).until(() -> clientThreads().isEmpty());
    }

    @Test
    void closeFromTheEventThreadDoesNotWaitForItself() {
        CompletableFuture<Void> callbackAttached = new CompletableFuture<>();
        server = new ScriptedServer((connection, command) -> switch (command.path("type").asText()) {
            case "hello" -> ScriptedServer.welcome(command, "r1", 60_000);
            case "ping" -> {
                // hold the pong until the callback is attached, so that the event thread completes it
                callbackAttached.join();
                yield "{\"type\":\"pong\",\"id\":" + command.get("id") + ",\"ts\":1}";
            }
            default -> null;
        });
        Recorder alice = new Recorder();
        ParleyClient client = connect(ClientOptions.builder("alice").listener(alice));
        CompletableFuture<String> closedOn = client.ping().thenApply(pong -> {
            client.close();
            return Thread.currentThread().getName();
        });
        callbackAttached.complete(null);

        assertThat(closedOn).succeedsWithin(TIMEOUT).isEqualTo("parley-client-alice-events");
        assertThat(alice.closed).succeedsWithin(TIMEOUT);
        await().atMost(TIMEOUT).until(() -> clientThreads().isEmpty());
    }

    @Test
    void closeReturnsEvenWhenTheServerNeverAnswersTheCloseFrame() throws Exception {
        server = ScriptedServer.silentAfterWelcome(60_000);
        ParleyClient client = connect(ClientOptions.builder("alice"));
        server.close(); // stops answering anything, the close handshake included

        client.close();

        assertThat(client.state()).isEqualTo(ConnectionState.CLOSED);
        await().atMost(TIMEOUT).until(() -> clientThreads().isEmpty());
    }

    @Test
    void cancellingTheConnectClosesTheClient() {
        server = new ScriptedServer((connection, command) -> null); // never welcomes
        Recorder alice = new Recorder();
        CompletableFuture<ParleyClient> connecting = ParleyClient.connect(server.uri(),
                ClientOptions.builder("alice").listener(alice).build());
        await().atMost(TIMEOUT).until(() -> server.received("hello").size() == 1);

        connecting.cancel(false);

        assertThat(alice.closed).succeedsWithin(TIMEOUT);
        await().atMost(TIMEOUT).until(() -> clientThreads().isEmpty());
    }

    @Test
    void aConnectWithoutWelcomeTimesOut() {
        server = new ScriptedServer((connection, command) -> null);
        CompletableFuture<ParleyClient> connecting = ParleyClient.connect(server.uri(),
                ClientOptions.builder("alice").connectTimeout(Duration.ofMillis(300)).build());

        Throwable failure = catchThrowable(() -> connecting.get(10, TimeUnit.SECONDS));
        assertThat(failure).hasCauseInstanceOf(ParleyConnectionException.class);
        assertThat(((ParleyConnectionException) failure.getCause()).disconnect().code()).isEqualTo(Disconnect.CONNECT_TIMEOUT);
    }
}
