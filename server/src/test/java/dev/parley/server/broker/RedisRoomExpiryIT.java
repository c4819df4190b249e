package dev.parley.server.broker;

import dev.parley.protocol.ServerEvent;
import dev.parley.protocol.StreamPosition;
import dev.parley.server.broker.BrokerContract.Recorder;
import dev.parley.server.redis.Redis;
import dev.parley.testing.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The keys of a room that nobody writes to expire ({@link RedisBroker} with a room TTL, on a real
 * redis-server): every write gives all of them the TTL, they go together, and the room then starts
 * over under a new epoch, with no read marker of the old history left in it.
 */
class RedisRoomExpiryIT {
    private static final Duration ROOM_TTL = Duration.ofSeconds(2);
    /** Longer than the TTL: the room's keys are gone within it, however loaded the machine. */
    private static final Duration EXPIRED_WITHIN = ROOM_TTL.plusSeconds(8);
    private static final String ROOM_KEYS = "parley:room:{r}*";

    private RedisServer redis;
    private RedisClient adminClient;
    private StatefulRedisConnection<String, String> adminConnection;
    private RedisCommands<String, String> admin;
    private final List<Redis> connections = new ArrayList<>();
    private final List<Broker> brokers = new ArrayList<>();

    @BeforeEach
    void startRedis() {
        redis = RedisServer.start();
        adminClient = RedisClient.create(redis.uri());
        adminConnection = adminClient.connect();
        admin = adminConnection.sync();
    }

    @AfterEach
    void stopAll() {
        brokers.forEach(Broker::close);
        connections.forEach(Redis::close);
        if (adminConnection != null) {
            adminConnection.close();
            adminClient.shutdown();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private Broker node(BrokerListener listener) {
        Redis connection = Redis.connect(redis.uri(), false, Duration.ofSeconds(2), new SimpleMeterRegistry()).join();
        connections.add(connection);
        RedisBroker broker = RedisBroker.open(connection, 50, ROOM_TTL, System::currentTimeMillis, Duration.ofMillis(200)).join();
        brokers.add(broker);
        broker.listen(listener);
        return broker;
    }

    @Test
    void everyWriteGivesEveryKeyOfTheRoomTheTtlSoThatTheyAllGoTogether() {
        Broker broker = node(new IgnoringListener());
        ServerEvent.Message first = broker.publish("r", "alice", "hi @bob", "n-1").join();
        broker.publish(new RoomAction.React("r", "bob", first.offset(), "👍", true)).join();
        broker.markRead("bob", "r", 1).join();
        assertThat(ttls().keySet()).as("every kind of key a room has").containsExactlyInAnyOrder("parley:room:{r}:log",
                "parley:room:{r}:meta", "parley:room:{r}:nonces", "parley:room:{r}:texts", "parley:room:{r}:state",
                "parley:room:{r}:live", "parley:room:{r}:senders", "parley:room:{r}:mentions",
                "parley:room:{r}:mentioned", "parley:room:{r}:reads");

        await().atMost(EXPIRED_WITHIN).until(() -> admin.pttl("parley:room:{r}:reads") < ROOM_TTL.toMillis() - 500);
        broker.publish("r", "carol", "plain", null).join();
        assertRefreshedTogether();

        await().atMost(EXPIRED_WITHIN).until(() -> admin.pttl("parley:room:{r}:reads") < ROOM_TTL.toMillis() - 500);
        assertThat(broker.markRead("bob", "r", 2).join()).hasValue(2);
        assertRefreshedTogether();

        await().atMost(EXPIRED_WITHIN).until(() -> admin.keys(ROOM_KEYS).isEmpty());
    }

    /** Every key of the room has the whole TTL again, even those the write did not touch. */
    private void assertRefreshedTogether() {
        Map<String, Long> ttls = ttls();
        assertThat(ttls).hasSize(10);
        assertThat(ttls.values()).allSatisfy(ttl -> assertThat(ttl).isBetween(ROOM_TTL.toMillis() - 400, ROOM_TTL.toMillis()));
    }

    private Map<String, Long> ttls() {
        Map<String, Long> ttls = new TreeMap<>();
        admin.keys(ROOM_KEYS).forEach(key -> ttls.put(key, admin.pttl(key)));
        return ttls;
    }

    @Test
    void readsGiveNoTimeAndAnUnknownRoomReadIsGoneAfterTheTtlToo() {
        Broker broker = node(new IgnoringListener());
        broker.recover("never-written", null, 20, 100).join();
        assertThat(admin.pttl("parley:room:{never-written}:meta")).as("the hash a read made").isPositive();

        broker.publish("r", "alice", "one", null).join();
        broker.markRead("bob", "r", 1).join();
        await().atMost(EXPIRED_WITHIN).until(() -> admin.pttl("parley:room:{r}:meta") < ROOM_TTL.toMillis() - 500);
        long before = admin.pttl("parley:room:{r}:meta");
        broker.recover("r", new StreamPosition(broker.recover("r", null, 0, 0).join().epoch(), 0), 20, 100).join();
        broker.history("r", new HistoryQuery(null, null, 20, true)).join();
        assertThat(broker.unread("bob").join()).hasSize(1);
        assertThat(broker.markRead("bob", "r", 1).join()).as("a marker that does not move writes nothing").isEmpty();
        assertThat(admin.pttl("parley:room:{r}:meta")).isLessThanOrEqualTo(before);

        await().atMost(EXPIRED_WITHIN).until(() -> admin.keys("parley:room:*").isEmpty());
    }

    @Test
    void anExpiredRoomLeavesTheRoomsWithHistoryAndStartsOverUnderANewEpochAndItsWatchersAreToldItsHistoryWasLost() {
        Recorder watching = new Recorder();
        Broker writer = node(new IgnoringListener());
        Broker watcher = node(watching);
        watcher.watch("r").join();
        writer.publish("r", "alice", "one", null).join();
        writer.publish("r", "alice", "two", null).join();
        String lostEpoch = watcher.recover("r", null, 20, 100).join().epoch();
        assertThat(writer.roomsWithHistory().join()).isEqualTo(Map.of("r", 2L));
        await().atMost(EXPIRED_WITHIN).until(() -> watching.messages("r").size() == 2);

        await().atMost(EXPIRED_WITHIN).until(() -> admin.keys(ROOM_KEYS).isEmpty());
        Recovery empty = watcher.recover("r", new StreamPosition(lostEpoch, 2), 20, 100).join();
        assertThat(empty.recovered()).as("the old epoch is unknown").isFalse();
        assertThat(empty.epoch()).isNotEqualTo(lostEpoch);
        assertThat(empty.offset()).isZero();
        assertThat(empty.messages()).isEmpty();

        assertThat(writer.roomsWithHistory().join()).isEmpty();
        await("an expired room is taken out of the rooms ever used").atMost(EXPIRED_WITHIN)
                .until(() -> !admin.sismember("parley:rooms", "r"));

        ServerEvent.Message again = writer.publish("r", "bob", "back", null).join();
        assertThat(writer.roomsWithHistory().join()).isEqualTo(Map.of("r", 1L));
        assertThat(again.offset()).as("offsets restart").isEqualTo(1);
        Recovery recovery = writer.recover("r", new StreamPosition(lostEpoch, 2), 20, 100).join();
        assertThat(recovery.recovered()).isFalse();
        assertThat(recovery.epoch()).isEqualTo(empty.epoch());
        assertThat(List.<ServerEvent.RoomEvent>copyOf(recovery.messages())).containsExactly(again);
        await().atMost(EXPIRED_WITHIN).until(() -> watching.events.contains("lost r"));
    }

    @Test
    void aMarkerOfAnExpiredRoomMakesTheNewEpochsMessagesNeitherReadNorUnread() {
        Broker broker = node(new IgnoringListener());
        for (int i = 1; i <= 5; i++) {
            broker.publish("r", "alice", "old " + i, null).join();
        }
        assertThat(broker.markRead("bob", "r", 5).join()).hasValue(5);

        await().atMost(EXPIRED_WITHIN).until(() -> admin.keys(ROOM_KEYS).isEmpty());
        for (int i = 1; i <= 3; i++) {
            broker.publish("r", "alice", "new " + i, null).join();
        }
        assertThat(broker.unread("bob").join()).as("no marker at 5 reading the new 1 to 3, none counting them").isEmpty();
        await("the room is taken out of the user's rooms with markers").atMost(EXPIRED_WITHIN)
                .until(() -> !admin.sismember("parley:reads:{bob}", "r"));
        assertThat(broker.markRead("bob", "r", 1).join()).hasValue(1);
        assertThat(admin.sismember("parley:reads:{bob}", "r")).isTrue();
        assertThat(broker.unread("bob").join()).containsExactly(new ServerEvent.UnreadRoom("r", 1, 2, 0));
    }
}
