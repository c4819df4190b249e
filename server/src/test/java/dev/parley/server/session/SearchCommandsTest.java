package dev.parley.server.session;

import dev.parley.protocol.Command;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.Limits;
import dev.parley.protocol.RequestId;
import dev.parley.protocol.ServerEvent;
import dev.parley.server.broker.Broker;
import dev.parley.server.broker.HistoryQuery;
import dev.parley.server.broker.MemoryBroker;
import dev.parley.server.broker.SearchPage;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code search}: answered {@code unsupported} unless the node's broker searches, else through the
 * node; and the room events' commands, {@code unsupported} where the broker keeps no message state,
 * as {@code read} and {@code unread} where it keeps no read state.
 */
class SearchCommandsTest {
    private static final Limits LIMITS = new Limits(65536, 100, 2, 100, 100, 1000, 1000, 1);
    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final ServerMetrics metrics = new ServerMetrics();
    private final List<Node> nodes = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (Node node : nodes) {
            node.close();
        }
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        metrics.close();
    }

    /**
     * A memory broker that says it searches: the query is matched against its kept messages,
     * newest first, one page of {@code limit} at a time. Enough to see the session's side.
     */
    private static Broker searchingBroker() {
        return brokerWith(Set.of("search", "durable"));
    }

    /** A memory broker that offers {@code features}, searching as {@link #searchingBroker()} says. */
    private static Broker brokerWith(Set<String> features) {
        MemoryBroker memory = new MemoryBroker(100, () -> 42L);
        return (Broker) Proxy.newProxyInstance(Broker.class.getClassLoader(), new Class<?>[] {Broker.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "features" -> features;
                    case "search" -> search(memory, (String) args[0], (String) args[1], (Long) args[2], (int) args[3]);
                    default -> {
                        try {
                            yield method.invoke(memory, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    }
                });
    }

    private static CompletableFuture<SearchPage> search(MemoryBroker memory, String room, String query, Long before,
                                                        int limit) {
        return memory.history(room, new HistoryQuery(before, null, 100)).thenApply(slice -> {
            List<ServerEvent.Message> matches = new ArrayList<>();
            for (int i = slice.messages().size() - 1; i >= 0; i--) {
                if (slice.messages().get(i) instanceof ServerEvent.Message message && message.text().contains(query)) {
                    matches.add(message);
                }
            }
            return matches.size() <= limit ? new SearchPage(matches, null)
                    : new SearchPage(matches.subList(0, limit), matches.get(limit - 1).offset());
        });
    }

    private Node node(Broker broker) {
        Node node = new Node(new Backend(broker, new MemoryPresence(), () -> true,
                () -> CompletableFuture.completedFuture(null)), metrics, ByteBufAllocator.DEFAULT, () -> 42L,
                LIMITS.presenceLimit(), UserSessions.EXCLUSIVE, loop);
        nodes.add(node);
        return node;
    }

    private void run(Runnable action) throws Exception {
        loop.submit(action).get(5, TimeUnit.SECONDS);
        loop.submit(() -> { }).get(5, TimeUnit.SECONDS);
    }

    private Session ready(Node node, RecordingTransport transport) throws Exception {
        Session session = new Session(transport, node, new SessionSettings(LIMITS, 1000, 2000, 5, "parley/test", false,
                1 << 20), metrics, () -> 42L);
        run(() -> session.handle(new Command.Hello(RequestId.of(1), "alice", null, null)));
        return session;
    }

    private static ErrorCode lastError(RecordingTransport transport) {
        List<ServerEvent.Error> errors = transport.sent(ServerEvent.Error.class);
        return errors.get(errors.size() - 1).code();
    }

    @Test
    void aNodeWhoseBrokerDoesNotSearchAnswersUnsupportedAndDoesNotListSearch() throws Exception {
        RecordingTransport transport = new RecordingTransport(loop);
        Session session = ready(node(new MemoryBroker(10, () -> 42L)), transport);
        assertThat(transport.sent(ServerEvent.Welcome.class).get(0).features()).doesNotContain("search");
        run(() -> session.handle(new Command.Join(null, "r", null)));
        run(() -> session.handle(new Command.Search(RequestId.of(12), "r", "x", null, null)));
        assertThat(transport.sent(ServerEvent.Error.class)).singleElement().satisfies(e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED);
            assertThat(e.id()).isEqualTo(RequestId.of(12));
        });
    }

    @Test
    void aNodeWhoseBrokerKeepsNoMessageStateAnswersEditDeleteReactAndReplyToUnsupported() throws Exception {
        RecordingTransport transport = new RecordingTransport(loop);
        Session session = ready(node(brokerWith(Set.of())), transport);
        run(() -> session.handle(new Command.Join(null, "r", null)));
        run(() -> session.handle(new Command.Send(RequestId.of(2), "r", "plain", null)));
        assertThat(transport.sent(ServerEvent.Ack.class)).singleElement().satisfies(ack -> assertThat(ack.offset()).isEqualTo(1));
        run(() -> session.handle(new Command.Send(RequestId.of(3), "r", "reply", null, 1L)));
        run(() -> session.handle(new Command.Edit(RequestId.of(4), "r", 1, "edited")));
        run(() -> session.handle(new Command.Delete(RequestId.of(5), "r", 1)));
        run(() -> session.handle(new Command.React(RequestId.of(6), "r", 1, "+", true)));
        assertThat(transport.sent(ServerEvent.Error.class)).extracting(ServerEvent.Error::code).containsOnly(ErrorCode.UNSUPPORTED)
                .hasSize(4);
        assertThat(transport.sent(ServerEvent.Ack.class)).as("nothing published").hasSize(1);
    }

    @Test
    void aNodeWhoseBrokerKeepsNoReadStateAnswersReadAndUnreadUnsupportedAndLeavesWithoutForgetting() throws Exception {
        RecordingTransport transport = new RecordingTransport(loop);
        Session session = ready(node(brokerWith(Set.of())), transport);
        assertThat(transport.sent(ServerEvent.Welcome.class).get(0).unread()).as("no unread list").isNull();
        run(() -> session.handle(new Command.Join(null, "r", null)));
        run(() -> session.handle(new Command.Send(null, "r", "plain", null)));
        run(() -> session.handle(new Command.Read(RequestId.of(2), "r", 1)));
        run(() -> session.handle(new Command.Unread(RequestId.of(3))));
        assertThat(transport.sent(ServerEvent.Error.class)).extracting(ServerEvent.Error::code)
                .containsExactly(ErrorCode.UNSUPPORTED, ErrorCode.UNSUPPORTED);
        run(() -> session.handle(new Command.Leave(RequestId.of(4), "r", true)));
        assertThat(transport.sent(ServerEvent.Left.class)).as("forget is ignored").singleElement()
                .satisfies(left -> assertThat(left.id()).isEqualTo(RequestId.of(4)));
    }

    @Test
    void aMemberSearchesThroughTheNodeAndPagesOnWithNext() throws Exception {
        RecordingTransport transport = new RecordingTransport(loop);
        Session session = ready(node(searchingBroker()), transport);
        assertThat(transport.sent(ServerEvent.Welcome.class).get(0).features()).as("sorted")
                .containsExactly("durable", "search");

        run(() -> session.handle(new Command.Search(RequestId.of(2), "r", "deploy", null, null)));
        assertThat(lastError(transport)).isEqualTo(ErrorCode.NOT_MEMBER);
        run(() -> session.handle(new Command.Search(RequestId.of(3), "not a room", "deploy", null, null)));
        assertThat(lastError(transport)).isEqualTo(ErrorCode.ROOM_INVALID);

        run(() -> session.handle(new Command.Join(null, "r", null)));
        for (String text : List.of("deploy failed", "lunch?", "deploy fixed", "deploy done")) {
            run(() -> session.handle(new Command.Send(null, "r", text, null)));
        }
        run(() -> session.handle(new Command.Search(RequestId.of(4), "r", "deploy", null, 2)));
        ServerEvent.Results first = transport.sent(ServerEvent.Results.class).get(0);
        assertThat(first.id()).isEqualTo(RequestId.of(4));
        assertThat(first.room()).isEqualTo("r");
        assertThat(first.messages()).extracting(ServerEvent.Message::offset).containsExactly(4L, 3L);
        assertThat(first.next()).isEqualTo(3L);

        run(() -> session.handle(new Command.Search(RequestId.of(5), "r", "deploy", first.next(), null)));
        ServerEvent.Results second = transport.sent(ServerEvent.Results.class).get(1);
        assertThat(second.messages()).extracting(ServerEvent.Message::text).containsExactly("deploy failed");
        assertThat(second.next()).isNull();
    }
}
