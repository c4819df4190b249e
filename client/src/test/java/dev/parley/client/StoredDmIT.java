package dev.parley.client;

import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ServerEvent;
import dev.parley.server.ParleyServer;
import dev.parley.server.config.ServerConfig;
import dev.parley.testing.Jwts;
import dev.parley.testing.PostgresExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.assertj.core.groups.Tuple;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/** The library on a server that stores direct messages (a real PostgreSQL, auth): stored dms, seq, history with. */
class StoredDmIT {
    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private ParleyServer server;
    private final List<ParleyClient> clients = new ArrayList<>();

    @BeforeEach
    void start() {
        server = ParleyServer.start(ServerConfig.builder().with("--host", "127.0.0.1").with("--port", 0).with("--warm-up-messages", 0)
                .with("--database-url", POSTGRES.server().url()).with("--jwt-hmac-secret", Jwts.SECRET).build());
    }

    @AfterEach
    void stop() {
        clients.forEach(ParleyClient::close);
        server.close();
    }

    private ParleyClient connect(String nick, ParleyListener listener) {
        ParleyClient client = ParleyClient.connect(server.webSocketUri(), ClientOptions.builder(nick)
                .token(Jwts.hs256(nick, Duration.ofMinutes(5))).listener(listener).build())
                .orTimeout(10, TimeUnit.SECONDS).join();
        clients.add(client);
        return client;
    }

    private static <T> T result(CompletableFuture<T> future) {
        return future.orTimeout(10, TimeUnit.SECONDS).join();
    }

    @Test
    void storedDirectMessagesReachTheListenerWithTheirSeqAndHistoryWithPagesThem() {
        ParleyClient alice = connect("alice", new Recorder());
        assertThat(result(alice.dm("bob", "while you were out")).ts()).isPositive();
        result(alice.dm("bob", "and again"));

        Recorder bobEvents = new Recorder();
        ParleyClient bob = connect("bob", bobEvents);
        await().atMost(Duration.ofSeconds(10)).until(() -> bobEvents.of(ServerEvent.Dm.class).size() == 2);
        assertThat(bobEvents.of(ServerEvent.Dm.class)).extracting(ServerEvent.Dm::text, ServerEvent.Dm::seq,
                ServerEvent.Dm::stored).containsExactly(
                Tuple.tuple("while you were out", 1L, true),
                Tuple.tuple("and again", 2L, true));

        result(bob.dm("alice", "back now"));
        ServerEvent.History<ServerEvent.Dm> latest = result(alice.historyWith("bob", null, 2));
        assertThat(latest.with()).isEqualTo("bob");
        assertThat(latest.messages()).extracting(ServerEvent.Dm::seq).containsExactly(2L, 3L);
        assertThat(latest.messages().get(1).from()).isEqualTo("bob");
        ServerEvent.History<ServerEvent.Dm> older = result(bob.historyWith("alice", latest.messages().get(0).seq(), 2));
        assertThat(older.messages()).extracting(ServerEvent.Dm::text).containsExactly("while you were out");
    }

    @Test
    void historyWithIsUnsupportedWhereDirectMessagesAreNotStored() {
        server.close();
        server = ParleyServer.start(ServerConfig.builder().with("--host", "127.0.0.1").with("--port", 0).with("--warm-up-messages", 0)
                .with("--jwt-hmac-secret", Jwts.SECRET).build());
        ParleyClient alice = connect("alice", new Recorder());
        Throwable failure = catchThrowable(() -> result(alice.historyWith("bob", null, 10)));
        assertThat(failure).isInstanceOf(CompletionException.class).hasCauseInstanceOf(ParleyException.class);
        assertThat(((ParleyException) failure.getCause()).code()).isEqualTo(ErrorCode.UNSUPPORTED);
    }
}
