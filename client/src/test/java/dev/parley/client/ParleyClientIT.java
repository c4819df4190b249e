package dev.parley.client;

import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ServerEvent;
import dev.parley.server.ParleyServer;
import dev.parley.server.config.ServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Every request of the library against a real server, and each request's error paths. */
class ParleyClientIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private ParleyServer server;
    private final List<ParleyClient> clients = new ArrayList<>();

    @BeforeEach
    void startServer() {
        server = ParleyServer.start(ServerConfig.builder().with("--host", "127.0.0.1").with("--port", 0).with("--warm-up-messages", 0)
                .with("--max-text-chars", 100).with("--max-rooms", 3).with("--rate-per-sec", 1000)
                .with("--burst", 1000).build());
    }

    @AfterEach
    void stop() {
        clients.forEach(ParleyClient::close);
        server.close();
    }

    private ParleyClient connect(String nick, ParleyListener listener) {
        ParleyClient client = ParleyClient.connect(server.webSocketUri(),
                ClientOptions.builder(nick).listener(listener).build()).orTimeout(10, TimeUnit.SECONDS).join();
        clients.add(client);
        return client;
    }

    private static <T> T result(CompletableFuture<T> future) {
        return future.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    }

    /** The {@link ParleyException} a failed request carries. */
    private static ParleyException refusal(CompletableFuture<?> future) {
        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> result(future));
        assertThat(failure).isInstanceOf(CompletionException.class).hasCauseInstanceOf(ParleyException.class);
        return (ParleyException) failure.getCause();
    }

    @Test
    void connectsAndIsWelcomed() {
        Recorder alice = new Recorder();
        ParleyClient client = connect("alice", alice);

        assertThat(client.state()).isEqualTo(ConnectionState.CONNECTED);
        assertThat(client.welcome().nick()).isEqualTo("alice");
        assertThat(client.welcome().resume()).isNotBlank();
        assertThat(client.welcome().limits().maxTextChars()).isEqualTo(100);
        assertThat(client.welcome().limits().recoverMax()).isEqualTo(1000);
        assertThat(client.welcome().features()).containsExactly("delete", "edit", "reactions", "read", "replies");
        await().atMost(TIMEOUT).until(() -> !alice.of(Recorder.Connected.class).isEmpty());
        assertThat(alice.of(Recorder.Connected.class).get(0).reconnected()).isFalse();
    }

    @Test
    void joinSendAndReceiveInOrder() {
        Recorder alice = new Recorder();
        Recorder bob = new Recorder();
        ParleyClient a = connect("alice", alice);
        ParleyClient b = connect("bob", bob);

        ServerEvent.Joined joined = result(a.join("general"));
        assertThat(joined.room()).isEqualTo("general");
        assertThat(joined.members()).containsExactly("alice");
        assertThat(result(b.join("general")).members()).containsExactly("alice", "bob");

        ServerEvent.Ack first = result(a.send("general", "one"));
        ServerEvent.Ack second = result(b.send("general", "two"));
        assertThat(first.room()).isEqualTo("general");
        assertThat(second.offset()).isEqualTo(first.offset() + 1);

        await().atMost(TIMEOUT).until(() -> alice.texts("general").size() == 2 && bob.texts("general").size() == 2);
        assertThat(alice.texts("general")).containsExactly("one", "two");
        assertThat(bob.texts("general")).containsExactly("one", "two");
        await().atMost(TIMEOUT).until(() -> alice.of(ServerEvent.Presence.class).stream()
                .anyMatch(p -> p.nick().equals("bob") && p.event() == ServerEvent.PresenceKind.JOIN));
        assertThat(alice.threads).allMatch(name -> name.equals("parley-client-alice-events"));
    }

    @Test
    void joinedCarriesHistoryThatTheListenerDoesNotRepeat() {
        Recorder alice = new Recorder();
        ParleyClient a = connect("alice", alice);
        result(a.join("general"));
        result(a.send("general", "before bob"));

        Recorder bob = new Recorder();
        ParleyClient b = connect("bob", bob);
        ServerEvent.Joined joined = result(b.join("general"));
        assertThat(joined.messages()).extracting(e -> ((ServerEvent.Message) e).text()).containsExactly("before bob");
        result(a.send("general", "after bob"));

        await().atMost(TIMEOUT).until(() -> bob.texts("general").contains("after bob"));
        assertThat(bob.texts("general")).containsExactly("after bob");
    }

    /** alice and bob, both in {@code room}. */
    private List<ParleyClient> aliceAndBobIn(String room, Recorder bob) {
        ParleyClient a = connect("alice", new Recorder());
        ParleyClient b = connect("bob", bob);
        result(a.join(room));
        result(b.join(room));
        return List.of(a, b);
    }

    @Test
    void leaveEndsDelivery() {
        Recorder bob = new Recorder();
        List<ParleyClient> clients = aliceAndBobIn("general", bob);
        ParleyClient a = clients.get(0);
        ParleyClient b = clients.get(1);

        assertThat(result(b.leave("general")).room()).isEqualTo("general");
        result(a.send("general", "bob is gone"));
        result(a.send("general", "and does not hear"));
        assertThat(result(a.who("general")).members()).containsExactly("alice");
        assertThat(bob.texts("general")).isEmpty();
        assertThat(refusal(b.leave("general")).code()).isEqualTo(ErrorCode.NOT_MEMBER);
    }

    @Test
    void queries() {
        ParleyClient a = connect("alice", new Recorder());
        result(a.join("general"));
        result(a.join("random"));
        for (int i = 1; i <= 5; i++) {
            result(a.send("general", "m" + i));
        }

        assertThat(result(a.who("general")).members()).containsExactly("alice");
        assertThat(result(a.rooms()).rooms()).extracting(ServerEvent.RoomInfo::room).contains("general", "random");
        assertThat(result(a.history("general")).messages()).extracting(ServerEvent.Message::text)
                .containsExactly("m1", "m2", "m3", "m4", "m5");
        ServerEvent.History<ServerEvent.Message> page = result(a.history("general", 5, 2));
        assertThat(page.messages()).extracting(ServerEvent.Message::text).containsExactly("m3", "m4");
        assertThat(page.epoch()).isNotBlank();
        assertThat(result(a.historyAfter("general", 2, 2)).messages()).extracting(ServerEvent.Message::text)
                .containsExactly("m3", "m4");
        assertThat(refusal(a.search("general", "m3", null, 20)).code()).as("in memory")
                .isEqualTo(ErrorCode.UNSUPPORTED);
        assertThat(result(a.ping()).ts()).isPositive();
    }

    @Test
    void largeRoomsCountAndPage() {
        server.close();
        server = ParleyServer.start(ServerConfig.builder().with("--host", "127.0.0.1").with("--port", 0).with("--warm-up-messages", 0)
                .with("--presence-limit", 2).build());
        Recorder alice = new Recorder();
        ParleyClient a = connect("alice", alice);
        assertThat(a.welcome().limits().presenceLimit()).isEqualTo(2);
        assertThat(result(a.join("big")).memberCount()).isEqualTo(1);
        assertThat(a.memberCount("big")).hasValue(1);
        assertThat(a.memberCount("elsewhere")).isEmpty();
        result(connect("bob", new Recorder()).join("big"));
        await().atMost(TIMEOUT).until(() -> a.memberCount("big").equals(OptionalInt.of(2)));

        ServerEvent.Joined joined = result(connect("carol", new Recorder()).join("big"));
        assertThat(joined.members()).containsExactly("alice", "bob");
        assertThat(joined.memberCount()).isEqualTo(3);
        result(connect("dave", new Recorder()).join("big"));
        await().atMost(TIMEOUT).until(() -> alice.of(ServerEvent.Occupancy.class).stream().anyMatch(o -> o.members() == 4));
        assertThat(a.memberCount("big")).hasValue(4);
        assertThat(alice.of(ServerEvent.Presence.class)).extracting(ServerEvent.Presence::nick).containsExactly("bob");

        ServerEvent.Members first = result(a.who("big", null, 3));
        assertThat(first.members()).containsExactly("alice", "bob", "carol");
        ServerEvent.Members rest = result(a.who("big", first.next(), 3));
        assertThat(rest.members()).containsExactly("dave");
        assertThat(rest.next()).isNull();
        assertThat(refusal(a.who("big", null, 0)).code()).isEqualTo(ErrorCode.BAD_REQUEST);
        result(a.leave("big"));
        assertThat(a.memberCount("big")).isEmpty();
    }

    @Test
    void directMessages() {
        Recorder bob = new Recorder();
        ParleyClient a = connect("alice", new Recorder());
        connect("bob", bob);

        ServerEvent.Ack ack = result(a.dm("bob", "psst"));
        assertThat(ack.offset()).isNull();
        await().atMost(TIMEOUT).until(() -> !bob.of(ServerEvent.Dm.class).isEmpty());
        ServerEvent.Dm dm = bob.of(ServerEvent.Dm.class).get(0);
        assertThat(dm.from()).isEqualTo("alice");
        assertThat(dm.text()).isEqualTo("psst");
        assertThat(refusal(a.dm("nobody", "hello?")).code()).isEqualTo(ErrorCode.NO_SUCH_USER);
    }

    @Test
    void typingReachesTheOtherMembers() {
        Recorder bob = new Recorder();
        ParleyClient a = aliceAndBobIn("general", bob).get(0);

        a.typing("general");
        await().atMost(TIMEOUT).until(() -> !bob.of(ServerEvent.Typing.class).isEmpty());
        assertThat(bob.of(ServerEvent.Typing.class).get(0).nick()).isEqualTo("alice");
    }

    @Test
    void requestErrorsCarryTheProtocolCode() {
        ParleyClient a = connect("alice", new Recorder());

        assertThat(refusal(a.join("no spaces")).code()).isEqualTo(ErrorCode.ROOM_INVALID);
        assertThat(refusal(a.who("no spaces")).code()).isEqualTo(ErrorCode.ROOM_INVALID);
        assertThat(refusal(a.send("general", "not a member")).code()).isEqualTo(ErrorCode.NOT_MEMBER);
        result(a.join("general"));
        assertThat(refusal(a.send("general", "x".repeat(101))).code()).isEqualTo(ErrorCode.TEXT_TOO_LONG);
        assertThat(refusal(a.send("general", "")).code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(refusal(a.history("general", 10, 0)).code()).isEqualTo(ErrorCode.BAD_REQUEST);
        result(a.join("two"));
        result(a.join("three"));
        ParleyException tooMany = refusal(a.join("four"));
        assertThat(tooMany.code()).isEqualTo(ErrorCode.TOO_MANY_ROOMS);
        assertThat(tooMany.getMessage()).startsWith("too_many_rooms: ");
        // the connection stays usable after errors
        assertThat(result(a.send("general", "still here")).offset()).isEqualTo(1L);
    }

    @Test
    void rateLimitedSends() {
        server.close();
        server = ParleyServer.start(ServerConfig.builder().with("--host", "127.0.0.1").with("--port", 0).with("--warm-up-messages", 0)
                .with("--rate-per-sec", 1).with("--burst", 2).build());
        ParleyClient a = connect("alice", new Recorder());
        result(a.join("general"));

        List<CompletableFuture<ServerEvent.Ack>> sends = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            sends.add(a.send("general", "m" + i));
        }
        assertThat(result(sends.get(0)).offset()).isEqualTo(1L);
        assertThat(refusal(sends.get(3)).code()).isEqualTo(ErrorCode.RATE_LIMITED);
    }

    @Test
    void helloRefusalsFailTheConnect() {
        connect("alice", new Recorder());

        Recorder second = new Recorder();
        CompletableFuture<ParleyClient> taken = ParleyClient.connect(server.webSocketUri(),
                ClientOptions.builder("ALICE").listener(second).build());
        assertThat(refusal(taken).code()).isEqualTo(ErrorCode.NICK_TAKEN);
        assertThat(second.closed).succeedsWithin(TIMEOUT).isInstanceOf(ParleyException.class);

        CompletableFuture<ParleyClient> invalid = ParleyClient.connect(server.webSocketUri(),
                ClientOptions.builder("no spaces allowed").build());
        assertThat(refusal(invalid).code()).isEqualTo(ErrorCode.NICK_INVALID);
    }

    @Test
    void connectFailsWhenNothingListens() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        CompletableFuture<ParleyClient> refused = ParleyClient.connect(URI.create("ws://127.0.0.1:" + port + "/ws"),
                ClientOptions.builder("alice").build());
        assertThatThrownBy(() -> result(refused)).hasCauseInstanceOf(ParleyConnectionException.class);
    }

    @Test
    void onlyWebSocketUrisAreAccepted() {
        ClientOptions options = ClientOptions.builder("alice").build();
        assertThatThrownBy(() -> ParleyClient.connect(URI.create("http://localhost:8080/ws"), options))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ParleyClient.connect(URI.create("ws:relative"), options))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void requestsAfterCloseFail() {
        Recorder alice = new Recorder();
        ParleyClient a = connect("alice", alice);
        a.close();

        assertThat(a.state()).isEqualTo(ConnectionState.CLOSED);
        assertThatThrownBy(() -> result(a.ping())).hasCauseInstanceOf(ParleyConnectionException.class);
        assertThat(alice.closed).succeedsWithin(TIMEOUT).isNull();
        assertThat(alice.events.get(alice.events.size() - 1)).isInstanceOf(Recorder.Closed.class);
    }
}
