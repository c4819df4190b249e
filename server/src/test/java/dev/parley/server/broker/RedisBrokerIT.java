package dev.parley.server.broker;

import dev.parley.protocol.ServerEvent;
import dev.parley.server.redis.Redis;
import dev.parley.testing.RedisServer;
import io.lettuce.core.Range;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link RedisBroker} against the {@link BrokerContract} on a real redis-server, and what it does
 * between nodes (one Redis connection each); of its read state ({@link RedisReadState}) also what the
 * contract cannot see: the unread index bounded by the stream's window, markers gone with a flushed
 * Redis, many rooms read at once.
 */
class RedisBrokerIT extends BrokerContract {
    private static final Duration WITHIN = Duration.ofSeconds(5);
    private static final Duration CHECK_INTERVAL = Duration.ofMillis(200);

    private RedisServer redis;
    private final List<Redis> connections = new ArrayList<>();
    private final List<Broker> brokers = new ArrayList<>();

    @BeforeEach
    void startRedis() {
        redis = RedisServer.start();
    }

    @AfterEach
    void stopAll() {
        brokers.forEach(Broker::close);
        connections.forEach(Redis::close);
        if (redis != null) {
            redis.close();
        }
    }

    /** A node's connection to the Redis of the test. */
    Redis connect() {
        return Redis.connect(redis.uri(), false, Duration.ofSeconds(2), new SimpleMeterRegistry()).join();
    }

    @Override
    Broker open(int historySize, LongSupplier clock) {
        Redis connection = connect();
        connections.add(connection);
        RedisBroker broker = RedisBroker.open(connection, historySize, Duration.ofDays(30), clock, CHECK_INTERVAL).join();
        brokers.add(broker);
        return broker;
    }

    Broker node(Recorder recorder) {
        return node(10, recorder);
    }

    /** A node's broker keeping {@code historySize} events per room, its deliveries to {@code listener}. */
    private Broker node(int historySize, BrokerListener listener) {
        Broker broker = open(historySize, System::currentTimeMillis);
        broker.listen(listener);
        return broker;
    }

    @Test
    void aRoomsTrafficReachesEveryNodeWatchingItInOneOrderAndNoOtherNode() {
        Recorder atA = new Recorder();
        Recorder atB = new Recorder();
        Recorder atC = new Recorder();
        Broker a = node(atA);
        Broker b = node(atB);
        Broker c = node(atC);
        b.watch("r").join();
        c.watch("r").join();

        ServerEvent.Message first = a.publish("r", "alice", "one", null).join();
        ServerEvent.Typing typing = new ServerEvent.Typing("r", "alice");
        c.broadcast("r", typing).join();
        ServerEvent.Message second = b.publish("r", "bob", "two", null).join();

        assertThat(second.offset()).as("one sequence of offsets whichever node publishes").isEqualTo(2);
        for (Recorder watching : List.of(atB, atC)) {
            await().atMost(WITHIN).until(() -> watching.events.size() == 3);
            assertThat(watching.events).containsExactly(first, "alice: " + typing, second);
        }
        assertThat(atA.events).as("a node without members in the room is not sent it").isEmpty();
    }

    @Test
    void aSendRepeatedThroughAnotherNodeWithItsNonceGetsTheFirstOffsetAndIsDeliveredOnce() {
        Recorder atB = new Recorder();
        Broker a = node(new Recorder());
        Broker b = node(atB);
        b.watch("r").join();
        ServerEvent.Message first = a.publish("r", "alice", "once", "n-1").join();
        assertThat(b.publish("r", "alice", "once", "n-1").join()).isEqualTo(first);
        ServerEvent.Message marker = b.publish("r", "bob", "marker", null).join();

        await().atMost(WITHIN).until(() -> atB.events.contains(marker));
        assertThat(atB.messages("r")).containsExactly(first, marker);
    }

    @Test
    void aRoomWhoseHistoryWasLostForgetsItsNoncesWithIt() {
        Broker broker = node(new Recorder());
        broker.publish("r", "alice", "one", "n-1").join();
        String lostEpoch = broker.recover("r", null, 0, 0).join().epoch();
        Redis connection = connections.get(0);
        connection.call(connection.commands().del("parley:room:{r}:meta")).join();

        assertThat(broker.publish("r", "bob", "new history", null).join().offset()).isEqualTo(1);
        assertThat(broker.publish("r", "alice", "one", "n-1").join().offset()).as("not bob's message 1").isEqualTo(2);
        assertThat(broker.recover("r", null, 0, 0).join().epoch()).isNotEqualTo(lostEpoch);
    }

    @Test
    void aDeletedMessagesTextAndItsEditsTextsAreInNoKeyOfTheRoom() {
        Broker broker = node(new Recorder());
        ServerEvent.Message secret = broker.publish("r", "alice", "the code is open-sesame", null).join();
        broker.publish(new RoomAction.Edit("r", "alice", secret.offset(), "the code is abracadabra")).join();
        broker.publish(new RoomAction.React("r", "bob", secret.offset(), "👀", true)).join();
        broker.publish("r", "bob", "kept", null).join();
        assertThat(roomContents()).contains("open-sesame", "abracadabra");

        broker.publish(new RoomAction.Delete("r", "carol", secret.offset(), true)).join();

        assertThat(roomContents()).as("the reaction event stays in the log, texts go")
                .doesNotContain("open-sesame", "abracadabra").contains("kept", "👀");
    }

    /** Every key of room {@code r} with what it holds: stream entries, hash fields and values. */
    private String roomContents() {
        Redis connection = connections.get(0);
        StringBuilder contents = new StringBuilder();
        for (String key : connection.call(connection.commands().keys("parley:room:{r}*")).join()) {
            String type = connection.call(connection.commands().type(key)).join();
            contents.append(key).append(' ').append(switch (type) {
                case "stream" -> connection.call(connection.commands().xrange(key, Range.create("-", "+"))).join().toString();
                case "hash" -> connection.call(connection.commands().hgetall(key)).join().toString();
                default -> type;
            }).append('\n');
        }
        return contents.toString();
    }

    @Test
    void offersRoomEventFeaturesAndReadStateAndDoesNotSearch() {
        Broker broker = node(new Recorder());
        assertThat(broker.features()).containsExactlyInAnyOrder("edit", "delete", "reactions", "replies", ReadState.FEATURE);
        assertThat(broker.search("r", "anything", null, 20)).failsWithin(WITHIN)
                .withThrowableOfType(ExecutionException.class).withCauseInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void anUnwatchedRoomsTrafficNoLongerReachesTheNode() {
        Recorder atB = new Recorder();
        Broker a = node(new Recorder());
        Broker b = node(atB);
        b.watch("r").join();
        ServerEvent.Message first = a.publish("r", "alice", "one", null).join();
        await().atMost(WITHIN).until(() -> atB.events.contains(first));

        b.unwatch("r");
        b.watch("s").join();
        a.publish("r", "alice", "after", null).join();
        ServerEvent.Message marker = a.publish("s", "alice", "marker", null).join();
        await().atMost(WITHIN).until(() -> atB.events.contains(marker));
        assertThat(atB.messages("r")).containsExactly(first);
    }

    @Test
    void aDirectMessageReachesTheNodeWhereItsRecipientIsConnected() {
        Recorder atB = new Recorder();
        Broker a = node(new Recorder());
        Broker b = node(atB);
        atB.here.add("bob");
        b.watchUser("bob").join();

        ServerEvent.Dm dm = new ServerEvent.Dm("alice", "Bob", "hi", 1);
        assertThat(a.direct(dm).join()).as("nicks are case-insensitive").isTrue();
        await().atMost(WITHIN).until(() -> atB.directs.contains(dm));
        assertThat(a.direct(new ServerEvent.Dm("alice", "carol", "hi", 2)).join()).isFalse();
    }

    Redis connection() {
        return connections.get(0);
    }

    private long size(String type, String key) {
        Redis connection = connection();
        return switch (type) {
            case "zset" -> connection.call(connection.commands().zcard(key)).join();
            default -> connection.call(connection.commands().hlen(key)).join();
        };
    }

    @Test
    void aMarkerMovedOnOneNodeIsReadAndForgottenOnTheOther() {
        Broker a = node(50, new IgnoringListener());
        Broker b = node(50, new IgnoringListener());
        a.publish("r", "alice", "one", null).join();
        b.publish("r", "alice", "two @bob", null).join();
        a.publish("r", "carol", "three", null).join();

        assertThat(a.markRead("Bob", "r", 1).join()).isEqualTo(OptionalLong.of(1));
        assertThat(b.unread("bob").join()).as("users are nick keys").containsExactly(new ServerEvent.UnreadRoom("r", 1, 2, 1));
        assertThat(b.markRead("bob", "r", 1).join()).as("where the other node put it").isEmpty();
        assertThat(b.markRead("bob", "r", 2).join()).isEqualTo(OptionalLong.of(2));
        assertThat(a.unread("bob").join()).containsExactly(new ServerEvent.UnreadRoom("r", 2, 1, 0));

        b.forget("bob", "r").join();
        assertThat(a.unread("bob").join()).isEmpty();
        assertThat(connection().call(connection().commands().exists("parley:reads:{bob}")).join())
                .as("the user's set of rooms goes with its last marker").isZero();
    }

    @Test
    void anEventForAUserReachesItsSessionsOnAnotherNodeWithTheSessionItSkips() {
        Recorder atB = new Recorder();
        Broker a = node(50, new IgnoringListener());
        Broker b = node(50, atB);
        b.watchUser("bob").join();

        ServerEvent.Read read = new ServerEvent.Read("r", 7);
        a.toUser("Bob", "s-1", read).join();

        await().atMost(WITHIN).until(() -> !atB.toUsers.isEmpty());
        assertThat(atB.toUsers).containsExactly("bob but s-1: " + read);
    }

    @Test
    void theUnreadIndexKeepsWhatTheStreamKeepsAsTheWindowTrims() {
        Broker broker = node(3, new IgnoringListener());
        broker.publish("r", "alice", "zero", null).join();
        broker.markRead("bob", "r", 1).join();
        for (int i = 2; i <= 6; i++) {
            broker.publish("r", "alice", "@bob " + i, null).join();
        }
        assertThat(broker.unread("bob").join()).as("of the five after the marker, the stream keeps three")
                .containsExactly(new ServerEvent.UnreadRoom("r", 1, 3, 3));

        broker.publish("r", "bob", "mine, @bob", null).join();
        broker.publish(new RoomAction.Edit("r", "alice", 6, "no one")).join();
        assertThat(broker.unread("bob").join()).as("the stream keeps 6, 7 and the edit of 6")
                .containsExactly(new ServerEvent.UnreadRoom("r", 1, 1, 0));
        assertThat(size("zset", "parley:room:{r}:live")).isEqualTo(2);
        assertThat(size("zset", "parley:room:{r}:senders")).isEqualTo(2);
        assertThat(size("zset", "parley:room:{r}:mentions")).as("neither 6 after its edit nor bob's own").isZero();
        assertThat(size("hash", "parley:room:{r}:mentioned")).isZero();

        broker.publish("r", "carol", "@bob and @dave", null).join();
        broker.publish("r", "carol", "again @dave", null).join();
        broker.publish("r", "carol", "last", null).join();
        assertThat(broker.unread("bob").join()).containsExactly(new ServerEvent.UnreadRoom("r", 1, 3, 1));
        assertThat(size("zset", "parley:room:{r}:live")).as("the trimmed edit took nothing with it; 6 and 7 left").isEqualTo(3);
        assertThat(size("zset", "parley:room:{r}:mentions")).isEqualTo(3);
        assertThat(size("hash", "parley:room:{r}:mentioned")).isEqualTo(2);

        broker.publish(new RoomAction.Delete("r", "carol", 10, false)).join();
        assertThat(broker.unread("bob").join()).as("9 trimmed by the delete, 10 deleted")
                .containsExactly(new ServerEvent.UnreadRoom("r", 1, 1, 0));
        assertThat(size("zset", "parley:room:{r}:live")).isEqualTo(1);
        assertThat(size("zset", "parley:room:{r}:senders")).isEqualTo(1);
        assertThat(size("zset", "parley:room:{r}:mentions")).isZero();
        assertThat(size("hash", "parley:room:{r}:mentioned")).isZero();
    }

    @Test
    void aFlushedRedisHasNoMarkersAndTakesNewOnesWithoutErrors() {
        Broker broker = node(50, new IgnoringListener());
        for (String room : List.of("r", "s")) {
            broker.publish(room, "alice", "one", null).join();
            broker.markRead("bob", room, 1).join();
        }

        connection().call(connection().commands().flushall()).join();

        assertThat(broker.unread("bob").join()).isEmpty();
        broker.forget("bob", "s").join();
        assertThat(broker.markRead("bob", "r", 5).join()).as("clamped to the new history's start").isEqualTo(OptionalLong.of(0));
        broker.publish("r", "alice", "after the flush", null).join();
        assertThat(broker.unread("bob").join()).containsExactly(new ServerEvent.UnreadRoom("r", 0, 1, 0));
    }

    @Test
    void aRoomWhoseHistoryWasLostLosesItsMarkersWithIt() {
        Broker broker = node(50, new IgnoringListener());
        broker.publish("r", "alice", "one", null).join();
        broker.publish("r", "alice", "two", null).join();
        broker.markRead("bob", "r", 2).join();
        connection().call(connection().commands().del("parley:room:{r}:meta")).join();

        broker.publish("r", "alice", "new history", null).join();
        assertThat(broker.unread("bob").join()).as("offset 2 of the lost history is no place in the new one").isEmpty();
    }

    @Test
    void aUserWithTwoHundredRoomsGetsEveryCountInOneGo() {
        Broker broker = node(50, new IgnoringListener());
        List<String> rooms = IntStream.range(0, 200).mapToObj(i -> String.format("room-%03d", i)).toList();
        CompletableFuture.allOf(rooms.stream().map(room -> broker.publish(room, "alice", "hi @bob", null)
                .thenCompose(sent -> broker.markRead("bob", room, 0))).toArray(CompletableFuture[]::new)).join();

        List<ServerEvent.UnreadRoom> unread = broker.unread("bob").orTimeout(WITHIN.toMillis(), TimeUnit.MILLISECONDS).join();

        assertThat(unread).extracting(ServerEvent.UnreadRoom::room).containsExactlyElementsOf(rooms);
        assertThat(unread).allSatisfy(room -> assertThat(room).isEqualTo(new ServerEvent.UnreadRoom(room.room(), 0, 1, 1)));
    }
}
