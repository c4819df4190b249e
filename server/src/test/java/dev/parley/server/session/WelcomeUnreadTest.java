package dev.parley.server.session;

import dev.parley.protocol.Command;
import dev.parley.protocol.Limits;
import dev.parley.protocol.RequestId;
import dev.parley.protocol.ServerEvent;
import dev.parley.server.backend.UnavailableException;
import dev.parley.server.broker.Broker;
import dev.parley.server.broker.MemoryBroker;
import dev.parley.server.metrics.ServerMetrics;
import dev.parley.server.node.Backend;
import dev.parley.server.node.Node;
import dev.parley.server.node.UserSessions;
import dev.parley.server.presence.MemoryPresence;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.DefaultEventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code welcome.unread}: read before the welcome without blocking the loop, left out when that
 * read fails, and what comes for the user meanwhile held until the welcome is out. The node's
 * broker is a {@link MemoryBroker} whose {@code unread} answers when the test says.
 */
class WelcomeUnreadTest {
    private static final Limits LIMITS = new Limits(65536, 100, 2, 1, 3, 1000, 1000, 1);
    private static final List<ServerEvent.UnreadRoom> ROOMS = List.of(new ServerEvent.UnreadRoom("r", 3, 2, 1));
    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final ServerMetrics metrics = new ServerMetrics();
    private final CompletableFuture<List<ServerEvent.UnreadRoom>> unread = new CompletableFuture<>();
    private final Node node = new Node(new Backend(withUnread(new MemoryBroker(10, () -> 42L), unread),
            new MemoryPresence(), () -> true, () -> CompletableFuture.completedFuture(null)), metrics,
            ByteBufAllocator.DEFAULT, () -> 42L, LIMITS.presenceLimit(), UserSessions.EXCLUSIVE, loop);
    private final RecordingTransport transport = new RecordingTransport(loop);
    private final Session session = new Session(transport, node,
            new SessionSettings(LIMITS, 1000, 2000, 5, "parley/test", false, 1 << 20), metrics, () -> 42L);

    /** {@code broker}, but for {@code unread}, which answers with {@code answer}. */
    private static Broker withUnread(MemoryBroker broker, CompletableFuture<List<ServerEvent.UnreadRoom>> answer) {
        return (Broker) Proxy.newProxyInstance(Broker.class.getClassLoader(), new Class<?>[] {Broker.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("unread")) {
                        return answer;
                    }
                    try {
                        return method.invoke(broker, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @AfterEach
    void tearDown() throws Exception {
        node.close();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        metrics.close();
    }

    private void run(Runnable action) throws Exception {
        loop.submit(action).get(5, TimeUnit.SECONDS);
    }

    @Test
    void theWelcomeWaitsForTheUnreadListAndWhatCameMeanwhileFollowsIt() throws Exception {
        run(() -> session.handle(new Command.Hello(RequestId.of(1), "Alice", null, null)));
        node.onUserEvent("alice", "s-other", new ServerEvent.Read("r", 3));
        run(() -> { });
        assertThat(transport.sent).as("nothing before the welcome").isEmpty();
        assertThat(session.isReady()).isFalse();

        unread.complete(ROOMS);
        run(() -> { });
        assertThat(transport.sent).hasSize(2);
        assertThat(transport.sent.get(0)).isInstanceOfSatisfying(ServerEvent.Welcome.class,
                welcome -> assertThat(welcome.unread()).isEqualTo(ROOMS));
        assertThat(transport.sent.get(1)).isEqualTo(new ServerEvent.Read("r", 3));
        assertThat(session.isReady()).isTrue();
    }

    @Test
    void aFailedReadGivesAWelcomeWithoutUnread() throws Exception {
        run(() -> session.handle(new Command.Hello(RequestId.of(1), "bob", null, null)));
        unread.completeExceptionally(new UnavailableException("the backend is down", new java.net.ConnectException("refused")));
        run(() -> { });
        assertThat(transport.sent(ServerEvent.Welcome.class)).singleElement()
                .satisfies(welcome -> assertThat(welcome.unread()).isNull());
        assertThat(transport.sent(ServerEvent.Error.class)).isEmpty();
        assertThat(session.isReady()).isTrue();
    }

    @Test
    void aSessionThatEndsBeforeItsWelcomeSendsNothingAndReleasesWhatItHeld() throws Exception {
        run(() -> session.handle(new Command.Hello(RequestId.of(1), "carol", null, null)));
        node.onUserEvent("carol", "s-other", new ServerEvent.Read("r", 3));
        run(session::end);
        unread.complete(ROOMS);
        run(() -> { });
        assertThat(transport.sent).isEmpty();
        assertThat(session.isReady()).isFalse();
        assertThat(node.hub().byNick("carol")).as("logged out").isEmpty();
    }
}
