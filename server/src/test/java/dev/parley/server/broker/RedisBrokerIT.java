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
import java.util.concurrent.ExecutionException;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link RedisBroker} against the {@link BrokerContract} on a real redis-server, and what it does
 * between nodes (one Redis connection each).
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

    @Override
    Broker open(int historySize, LongSupplier clock) {
        Redis connection = Redis.connect(redis.uri(), Duration.ofSeconds(2), new SimpleMeterRegistry()).join();
        connections.add(connection);
        RedisBroker broker = RedisBroker.open(connection, historySize, clock, CHECK_INTERVAL).join();
        brokers.add(broker);
        return broker;
    }

    private Broker node(Recorder recorder) {
        Broker broker = open(10, System::currentTimeMillis);
        broker.listen(recorder);
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
        ServerEvent.Message secret = broker.publish("r", "alice", "the code is 4711", null).join();
        broker.publish(new RoomAction.Edit("r", "alice", secret.offset(), "the code is 4712")).join();
        broker.publish(new RoomAction.React("r", "bob", secret.offset(), "👀", true)).join();
        broker.publish("r", "bob", "kept", null).join();
        assertThat(roomContents()).contains("4711", "4712");

        broker.publish(new RoomAction.Delete("r", "carol", secret.offset(), true)).join();

        assertThat(roomContents()).as("the reaction event stays in the log, texts go")
                .doesNotContain("4711", "4712").contains("kept", "👀");
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
}
