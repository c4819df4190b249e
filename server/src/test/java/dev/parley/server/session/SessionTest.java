package dev.parley.server.session;

import dev.parley.protocol.CloseCode;
import dev.parley.protocol.Command;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.Limits;
import dev.parley.protocol.RequestId;
import dev.parley.protocol.ServerEvent;
import dev.parley.server.auth.AuthException;
import dev.parley.server.auth.Authenticator;
import dev.parley.server.auth.Grant;
import dev.parley.server.auth.JwtAuthenticator;
import dev.parley.server.metrics.ServerMetrics;
import dev.parley.server.node.Backend;
import dev.parley.server.node.Node;
import dev.parley.server.node.UserSessions;
import dev.parley.server.codec.EncodedEvent;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.DefaultEventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The session state machine against a real hub and a recording transport, on one event loop. */
class SessionTest {
    private static final Limits LIMITS = new Limits(65536, 100, 2, 1, 3, 1000, 1000, 1);
    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final ServerMetrics metrics = new ServerMetrics();
    private final Node node = new Node(Backend.inMemory(10, () -> 42L), metrics, ByteBufAllocator.DEFAULT, () -> 42L,
            LIMITS.presenceLimit(), UserSessions.EXCLUSIVE, loop);

    @AfterEach
    void tearDown() throws Exception {
        node.close();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        metrics.close();
    }

    private <T> T onLoop(Callable<T> action) throws Exception {
        T result = loop.submit(action).get(5, TimeUnit.SECONDS);
        loop.submit(() -> { }).get(5, TimeUnit.SECONDS);
        return result;
    }

    private void run(Runnable action) throws Exception {
        onLoop(() -> {
            action.run();
            return null;
        });
    }

    private Session session(RecordingTransport transport) {
        return new Session(transport, node, new SessionSettings(LIMITS, 1000, 2000, 5, "parley/test", false, 1 << 20), metrics, () -> 42L);
    }

    private Session ready(RecordingTransport transport, String nick) throws Exception {
        Session session = session(transport);
        run(() -> session.handle(new Command.Hello(RequestId.of(1), nick, null, null)));
        assertThat(transport.sent(ServerEvent.Welcome.class)).hasSize(1);
        return session;
    }

    private static EncodedEvent encoded(ServerEvent event) {
        return EncodedEvent.encode(ByteBufAllocator.DEFAULT, event);
    }

    @Test
    void onlyHelloBeforeWelcome() throws Exception {
        RecordingTransport transport = new RecordingTransport(loop);
        Session session = session(transport);
        run(() -> session.handle(new Command.Join(RequestId.of(2), "r", null)));
        assertThat(transport.sent(ServerEvent.Error.class)).singleElement()
                .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_READY));
        assertThat(session.isReady()).isFalse();
    }

    @Test
    void deliversEachOffsetOnceAndOnlyToMembers() throws Exception {
        RecordingTransport transport = new RecordingTransport(loop);
        Session session = ready(transport, "alice");
        run(() -> session.handle(new Command.Join(null, "r", null)));
        EncodedEvent two = encoded(new ServerEvent.Message("r", 2, 1, "x", "two"));
        EncodedEvent one = encoded(new ServerEvent.Message("r", 1, 1, "x", "one"));
        EncodedEvent elsewhere = encoded(new ServerEvent.Message("other", 3, 1, "x", "other"));
        try {
            run(() -> {
                session.deliver("r", 2, two);
                session.deliver("r", 1, one);
                session.deliver("r", 2, two);
                session.deliver("other", 3, elsewhere);
            });
        } finally {
            two.release();
            one.release();
            elsewhere.release();
        }
        assertThat(transport.sent(ServerEvent.Message.class)).extracting(ServerEvent.Message::text).containsExactly("two");
    }

    @Test
    void floodingPastTheBurstClosesWith1008() throws Exception {
        RecordingTransport transport = new RecordingTransport(loop);
        Session session = ready(transport, "flood");
        run(() -> session.handle(new Command.Join(null, "r", null)));
        run(() -> {
            for (int i = 0; i < LIMITS.burst() * 2 + 1; i++) {
                session.handle(new Command.Typing(null, "r"));
            }
        });
        assertThat(transport.sent(ServerEvent.Error.class)).hasSize(LIMITS.burst() + 1)
                .allSatisfy(e -> assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED));
        assertThat(transport.closes).containsExactly(CloseCode.POLICY_VIOLATION);
    }

    @Test
    void endingLeavesEveryRoomOnceAndFreesTheNick() throws Exception {
        RecordingTransport aliceTransport = new RecordingTransport(loop);
        RecordingTransport bobTransport = new RecordingTransport(loop);
        Session alice = ready(aliceTransport, "alice");
        Session bob = ready(bobTransport, "bob");
        run(() -> {
            alice.handle(new Command.Join(null, "a", null));
            alice.handle(new Command.Join(null, "b", null));
            bob.handle(new Command.Join(null, "a", null));
            bob.handle(new Command.Join(null, "b", null));
        });
        run(() -> {
            alice.end();
            alice.end();
        });
        assertThat(bobTransport.sent(ServerEvent.Presence.class))
                .filteredOn(p -> p.event() == ServerEvent.PresenceKind.LEAVE)
                .extracting(ServerEvent.Presence::room).containsExactlyInAnyOrder("a", "b");
        assertThat(node.hub().memberCount()).isEqualTo(1);
        ready(new RecordingTransport(loop), "ALICE");
    }

    @Test
    void evictionLeavesTheRoomsAndClosesWith4009() throws Exception {
        RecordingTransport oldTransport = new RecordingTransport(loop);
        Session old = ready(oldTransport, "carol");
        run(() -> old.handle(new Command.Join(null, "r", null)));
        String secret = oldTransport.sent(ServerEvent.Welcome.class).get(0).resume();

        RecordingTransport freshTransport = new RecordingTransport(loop);
        Session fresh = session(freshTransport);
        run(() -> fresh.handle(new Command.Hello(RequestId.of(7), "Carol", null, secret)));
        await().untilAsserted(() -> assertThat(freshTransport.sent(ServerEvent.Welcome.class)).singleElement()
                .satisfies(w -> assertThat(w.resume()).isNotEqualTo(secret)));
        assertThat(oldTransport.closes).containsExactly(CloseCode.SESSION_REPLACED);
        assertThat(node.members("r", null, 10).join().members()).isEmpty();
        run(old::end);
        assertThat(node.hub().memberCount()).as("the old session's end does not free the new one's nick").isEqualTo(1);
    }

    /** A clock of 42 ms: this grant's expiry, leeway included, is {@code inMs} away. */
    private static Authenticator expiringIn(long inMs) {
        return (nick, token) -> new Grant(nick, 42 - TimeUnit.SECONDS.toMillis(JwtAuthenticator.CLOCK_SKEW_SECONDS) + inMs,
                null);
    }

    private Session authed(RecordingTransport transport, String nick, Authenticator authenticator) throws Exception {
        Session session = new Session(transport, node, new SessionSettings(LIMITS, 1000, 2000, 5, "parley/test", false, 1 << 20), metrics,
                () -> 42L, authenticator);
        run(() -> session.handle(new Command.Hello(RequestId.of(1), nick, "t", null)));
        assertThat(transport.sent(ServerEvent.Welcome.class)).hasSize(1);
        return session;
    }

    @Test
    void expiryClosesWith4003UnlessTheSessionEndedFirst() throws Exception {
        RecordingTransport expiring = new RecordingTransport(loop);
        authed(expiring, "tim", expiringIn(200));
        await().atMost(3, TimeUnit.SECONDS).until(() -> expiring.closes.contains(CloseCode.TOKEN_EXPIRED));

        RecordingTransport ended = new RecordingTransport(loop);
        Session session = authed(ended, "tia", expiringIn(300));
        run(session::end);
        await().during(600, TimeUnit.MILLISECONDS).atMost(2, TimeUnit.SECONDS).until(ended.closes::isEmpty);
    }

    @Test
    void refreshRearmsTheExpiry() throws Exception {
        RecordingTransport transport = new RecordingTransport(loop);
        Authenticator[] current = {expiringIn(300)};
        Session session = authed(transport, "tod", (nick, token) -> current[0].authenticate(nick, token));
        current[0] = expiringIn(60_000);
        run(() -> session.handle(new Command.Refresh(RequestId.of(2), "new")));
        assertThat(transport.sent(ServerEvent.Refreshed.class)).singleElement()
                .satisfies(r -> assertThat(r.id()).isEqualTo(RequestId.of(2)));
        await().during(700, TimeUnit.MILLISECONDS).atMost(2, TimeUnit.SECONDS).until(transport.closes::isEmpty);
        run(session::end);
    }

    @Test
    void refusedTokenIsUnauthorizedAndClosesWith1008() throws Exception {
        RecordingTransport transport = new RecordingTransport(loop);
        Session session = new Session(transport, node, new SessionSettings(LIMITS, 1000, 2000, 5, "parley/test", false, 1 << 20), metrics,
                () -> 42L, (nick, token) -> {
                    throw new AuthException("invalid token: nope");
                });
        run(() -> session.handle(new Command.Hello(RequestId.of(3), "tom", "bad", null)));
        assertThat(transport.sent(ServerEvent.Error.class)).singleElement()
                .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED));
        assertThat(transport.closes).containsExactly(CloseCode.POLICY_VIOLATION);
        assertThat(session.isReady()).isFalse();
    }

    @Test
    void roomsOfTheGrantLimitNewJoinsButNotRoomsAlreadyJoined() throws Exception {
        RecordingTransport transport = new RecordingTransport(loop);
        AtomicReference<List<String>> allowed = new AtomicReference<>(List.of("a"));
        Session session = authed(transport, "rita", (nick, token) -> new Grant(nick, null, allowed.get()));
        run(() -> session.handle(new Command.Join(RequestId.of(2), "a", null)));
        allowed.set(List.of("team-*"));
        run(() -> session.handle(new Command.Refresh(RequestId.of(3), "narrower")));
        run(() -> {
            session.handle(new Command.Join(RequestId.of(4), "a", null));
            session.handle(new Command.Join(RequestId.of(5), "b", null));
            session.handle(new Command.Join(RequestId.of(6), "team-x", null));
        });
        assertThat(transport.sent(ServerEvent.Joined.class)).extracting(ServerEvent.Joined::room)
                .containsExactly("a", "a", "team-x");
        assertThat(transport.sent(ServerEvent.Error.class)).singleElement()
                .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN))
                .satisfies(e -> assertThat(e.id()).isEqualTo(RequestId.of(5)));
        run(session::end);
    }
}
