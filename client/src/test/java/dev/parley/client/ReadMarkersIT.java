package dev.parley.client;

import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ServerEvent;
import dev.parley.server.ParleyServer;
import dev.parley.testing.Jwts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/** Read markers and unread counts through the library, with two sessions of one user (auth on). */
class ReadMarkersIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String ROOM = "general";

    @RegisterExtension
    final Resources resources = new Resources();
    private final ParleyServer server = resources.server("--jwt-hmac-secret", Jwts.SECRET);

    /** A session of {@code nick}, with a token of its own. */
    private ParleyClient connect(String nick, Recorder listener) {
        return resources.connect(server.webSocketUri(), ClientOptions.builder(nick).listener(listener)
                .tokenSupplier(() -> Jwts.hs256(nick, Duration.ofMinutes(5))));
    }

    private static <T> T result(CompletableFuture<T> future) {
        return future.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    }

    @Test
    void markersMoveForwardReachTheOtherSessionsAndCountWhatIsUnread() {
        Recorder here = new Recorder();
        Recorder elsewhere = new Recorder();
        ParleyClient alice = connect("alice", here);
        ParleyClient aliceOnThePhone = connect("alice", elsewhere);
        ParleyClient bob = connect("bob", new Recorder());
        assertThat(alice.welcome().features()).contains("read");
        assertThat(alice.welcome().unread()).isEmpty();
        result(alice.join(ROOM));
        result(aliceOnThePhone.join(ROOM));
        result(bob.join(ROOM));

        result(bob.send(ROOM, "hi"));
        assertThat(result(alice.markRead(ROOM, 1)).offset()).isNull();
        result(bob.send(ROOM, "hey @alice"));
        result(bob.send(ROOM, "anyone?"));
        result(alice.send(ROOM, "mine, not unread"));
        assertThat(result(alice.unread())).containsExactly(new ServerEvent.UnreadRoom(ROOM, 1, 2, 1));

        result(alice.markRead(ROOM, 2));
        await().atMost(TIMEOUT).until(() -> elsewhere.of(ServerEvent.Read.class).contains(new ServerEvent.Read(ROOM, 2)));
        result(alice.markRead(ROOM, 1));
        assertThat(result(aliceOnThePhone.unread())).as("markers only move forward")
                .containsExactly(new ServerEvent.UnreadRoom(ROOM, 2, 1, 0));
        assertThat(connect("alice", new Recorder()).welcome().unread())
                .containsExactly(new ServerEvent.UnreadRoom(ROOM, 2, 1, 0));
        assertThat(here.of(ServerEvent.Read.class)).as("not echoed to the session that moved it").isEmpty();
        assertThat(elsewhere.of(ServerEvent.Read.class)).as("the first marker, then each move forward")
                .containsExactly(new ServerEvent.Read(ROOM, 1), new ServerEvent.Read(ROOM, 2));
    }

    @Test
    void leavingWithForgetRemovesTheMarker() {
        ParleyClient alice = connect("alice", new Recorder());
        result(alice.join(ROOM));
        result(alice.join("ops"));
        result(alice.send(ROOM, "one"));
        result(alice.markRead(ROOM, 1));
        result(alice.markRead("ops", 1));

        result(alice.leave("ops"));
        assertThat(result(alice.unread())).extracting(ServerEvent.UnreadRoom::room).containsExactly(ROOM, "ops");
        result(alice.leave(ROOM, true));
        assertThat(result(alice.unread())).extracting(ServerEvent.UnreadRoom::room).containsExactly("ops");
    }

    @Test
    void readingARoomNotJoinedIsRefused() {
        ParleyClient alice = connect("alice", new Recorder());

        Throwable failure = catchThrowable(() -> result(alice.markRead("elsewhere", 1)));
        assertThat(failure).isInstanceOf(CompletionException.class).hasCauseInstanceOf(ParleyException.class);
        assertThat(((ParleyException) failure.getCause()).code()).isEqualTo(ErrorCode.NOT_MEMBER);
        assertThat(result(alice.unread())).isEmpty();
    }
}
