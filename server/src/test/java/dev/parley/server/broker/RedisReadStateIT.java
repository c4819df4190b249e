package dev.parley.server.broker;

import dev.parley.protocol.ServerEvent;
import dev.parley.server.redis.Redis;
import dev.parley.testing.RedisServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link RedisBroker}'s read state ({@link RedisReadState}) between two nodes on one real
 * redis-server, and what the contract cannot see: the unread index bounded by the stream's window,
 * markers gone with a flushed Redis, many rooms read at once.
 */
class RedisReadStateIT {
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

    /** A node's broker keeping {@code historySize} events per room, its deliveries to {@code listener}. */
    private Broker node(int historySize, BrokerListener listener) {
        Redis connection = Redis.connect(redis.uri(), Duration.ofSeconds(2), new SimpleMeterRegistry()).join();
        connections.add(connection);
        RedisBroker broker = RedisBroker.open(connection, historySize, System::currentTimeMillis, CHECK_INTERVAL).join();
        brokers.add(broker);
        broker.listen(listener);
        return broker;
    }

    private Redis connection() {
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
        BrokerContract.Recorder atB = new BrokerContract.Recorder();
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
    }

    @Test
    void aFlushedRedisHasNoMarkersAndTakesNewOnesWithoutErrors() {
        Broker a = node(50, new IgnoringListener());
        Broker b = node(50, new IgnoringListener());
        a.publish("r", "alice", "one", null).join();
        a.publish("s", "alice", "one", null).join();
        a.markRead("bob", "r", 1).join();
        b.markRead("bob", "s", 1).join();

        connection().call(connection().commands().flushall()).join();

        assertThat(a.unread("bob").join()).isEmpty();
        assertThat(b.markRead("bob", "r", 5).join()).as("clamped to the new history's start").isEqualTo(OptionalLong.of(0));
        a.publish("r", "alice", "after the flush", null).join();
        assertThat(a.unread("bob").join()).containsExactly(new ServerEvent.UnreadRoom("r", 0, 1, 0));
        b.forget("bob", "s").join();
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
