package dev.parley.server.broker;

import dev.parley.protocol.ServerEvent;
import dev.parley.server.redis.Redis;
import dev.parley.server.store.Database;
import dev.parley.server.store.DatabaseUrl;
import dev.parley.testing.PostgresExtension;
import dev.parley.testing.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The clustered {@link PostgresBroker} (history in PostgreSQL, live events on Redis) against the
 * {@link BrokerContract}, and between nodes: one real PostgreSQL for the class, a new database and
 * a new {@code redis-server} for each test, each node a broker with its own pool and Redis client.
 */
class ClusteredPostgresBrokerIT extends BrokerContract {
    private static final Duration WITHIN = Duration.ofSeconds(10);
    private static final Duration CHECK_INTERVAL = Duration.ofMillis(200);
    private static final AtomicInteger DATABASES = new AtomicInteger();
    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private String url;
    private RedisServer redis;
    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeEach
    void startDatabaseAndRedis() {
        url = POSTGRES.server().createDatabase("clustered_" + DATABASES.incrementAndGet());
        redis = RedisServer.start();
    }

    @AfterEach
    void stopAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        redis.close();
    }

    private Database database() {
        Database database = Database.open(new Database.Settings(DatabaseUrl.parse(url), 4, 2000), new SimpleMeterRegistry());
        opened.add(database);
        return database;
    }

    /** A node: its own pool and Redis client on the test's database and Redis. */
    @Override
    Broker open(int historySize, LongSupplier clock) {
        Database database = database();
        Redis connection = Redis.connect(redis.uri(), false, Duration.ofSeconds(2), new SimpleMeterRegistry()).join();
        opened.add(connection);
        PostgresBroker broker = PostgresBroker.clustered(database, connection, clock, CHECK_INTERVAL,
                new SimpleMeterRegistry(), false).join();
        opened.add(broker);
        return broker;
    }

    @Override
    boolean keepsEverything() {
        return true;
    }

    private Broker node(Recorder recorder) {
        Broker broker = open(10, System::currentTimeMillis);
        broker.listen(recorder);
        return broker;
    }

    /** A node that stores but never publishes on Redis: one killed between its commit and its publish. */
    private Broker silentNode() {
        PostgresBroker broker = new PostgresBroker(database(), System::currentTimeMillis, new SimpleMeterRegistry(), false);
        broker.listen(new Recorder());
        opened.add(broker);
        return broker;
    }

    @Test
    void offersDurableHistorySearchAndReadState() {
        assertThat(node(new Recorder()).features()).containsExactlyInAnyOrder("durable", "search", "edit", "delete", "reactions",
                "replies", ReadState.FEATURE);
    }

    @Test
    void aMarkerMovedOnOneNodeIsTheOneEveryNodeCountsFromAndItsReadEventReachesTheUsersOtherNode() {
        Recorder atB = new Recorder();
        Broker a = node(new Recorder());
        Broker b = node(atB);
        for (int i = 1; i <= 4; i++) {
            a.publish("r", "alice", "@bob number " + i, null).join();
        }
        b.watchUser("bob").join();

        assertThat(a.markRead("bob", "r", 1).join()).hasValue(1);
        assertThat(b.unread("bob").join()).containsExactly(new ServerEvent.UnreadRoom("r", 1, 3, 3));
        assertThat(b.markRead("bob", "r", 1).join()).as("already there, whichever node asks").isEmpty();
        a.toUser("bob", "session-on-a", new ServerEvent.Read("r", 1)).join();
        await().atMost(WITHIN).until(() -> !atB.toUsers.isEmpty());
        assertThat(atB.toUsers).containsExactly("bob but session-on-a: " + new ServerEvent.Read("r", 1));

        b.forget("bob", "r").join();
        assertThat(a.unread("bob").join()).isEmpty();
    }

    @Test
    void nodesPublishingIntoOneRoomAtOnceTakeOneSequenceAndEveryWatchingNodeGetsEachMessageOnceInOrder() {
        List<Recorder> recorders = List.of(new Recorder(), new Recorder(), new Recorder());
        List<Broker> nodes = recorders.stream().map(this::node).toList();
        nodes.forEach(node -> node.watch("r").join());
        List<CompletableFuture<ServerEvent.Message>> publishing = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            publishing.add(nodes.get(i % 3).publish("r", "u" + (i % 3), "m" + i, "n-" + i));
        }
        List<Long> acked = publishing.stream().map(p -> p.join().offset()).sorted().toList();

        assertThat(acked).as("every offset once, none skipped, whichever node stored it").isEqualTo(range(1, 60));
        for (Recorder recorder : recorders) {
            await().atMost(WITHIN).until(() -> recorder.messages("r").size() >= 60);
            assertThat(offsets(recorder.messages("r"))).isEqualTo(range(1, 60));
        }
        assertThat(nodes.get(1).history("r", new HistoryQuery(null, null, 100)).join().messages())
                .isEqualTo(recorders.get(0).messages("r"));
    }

    @Test
    void aMessageStoredButNeverPublishedIsReadFromTheDatabaseBeforeTheNextOneAndALateCopyIsDropped() {
        Recorder atB = new Recorder();
        Broker a = node(new Recorder());
        Broker b = node(atB);
        b.watch("r").join();
        ServerEvent.Message unpublished = silentNode().publish("r", "alice", "committed, not published", null).join();
        ServerEvent.Message next = a.publish("r", "bob", "published", null).join();

        await().atMost(WITHIN).until(() -> atB.messages("r").size() == 2);
        assertThat(atB.messages("r")).containsExactly(unpublished, next);

        String epoch = b.recover("r", null, 0, 0).join().epoch();
        try (RedisClient admin = RedisClient.create(redis.uri());
             StatefulRedisConnection<String, String> connection = admin.connect()) {
            connection.sync().publish("parley:room:{r}", "{\"type\":\"message\",\"room\":\"r\",\"offset\":1,\"ts\":"
                    + unpublished.ts() + ",\"from\":\"alice\",\"text\":\"committed, not published\",\"epoch\":\"" + epoch + "\"}");
        }
        ServerEvent.Message marker = a.publish("r", "bob", "marker", null).join();
        await().atMost(WITHIN).until(() -> atB.messages("r").contains(marker));
        assertThat(offsets(atB.messages("r"))).as("the late copy of 1 is dropped").containsExactly(1L, 2L, 3L);
    }

    @Test
    void aLastMessageThatWasNeverPublishedIsFoundByThePositionCheck() {
        Recorder atB = new Recorder();
        Broker b = node(atB);
        b.watch("r").join();
        ServerEvent.Message unpublished = silentNode().publish("r", "alice", "only in the database", null).join();

        await().atMost(WITHIN).until(() -> atB.messages("r").contains(unpublished));
        assertThat(atB.events).noneMatch(e -> e.equals("lost r"));
    }

    @Test
    void aRoomKeepsNoKeyInRedisSoThatNothingOfItExpiresThere() {
        Broker broker = node(new Recorder());
        broker.watch("r").join();
        ServerEvent.Message first = broker.publish("r", "alice", "hi @bob", "n-1").join();
        broker.publish(new RoomAction.React("r", "bob", first.offset(), "👍", true)).join();
        broker.publish(new RoomAction.Edit("r", "alice", first.offset(), "hi @carol")).join();
        broker.markRead("bob", "r", 1).join();
        broker.recover("r", null, 20, 100).join();
        broker.history("r", new HistoryQuery(null, null, 20)).join();

        try (RedisClient admin = RedisClient.create(redis.uri());
             StatefulRedisConnection<String, String> connection = admin.connect()) {
            assertThat(connection.sync().keys("*")).as("the database holds the room; Redis carries its traffic").isEmpty();
        }
    }

    @Test
    void redisFlushedOrRestartedChangesNoOffsetOrEpochAndWhatWasStoredMeanwhileStillReachesEveryNode() {
        Recorder atB = new Recorder();
        Broker a = node(new Recorder());
        Broker b = node(atB);
        b.watch("r").join();
        a.publish("r", "alice", "before", null).join();
        String epoch = a.recover("r", null, 0, 0).join().epoch();

        try (RedisClient admin = RedisClient.create(redis.uri());
             StatefulRedisConnection<String, String> connection = admin.connect()) {
            connection.sync().flushall();
        }
        assertThat(a.publish("r", "alice", "after the flush", null).join().offset()).isEqualTo(2);

        redis.kill();
        ServerEvent.Message whileGone = a.publish("r", "alice", "while Redis is gone", null).join();
        assertThat(whileGone.offset()).as("acked once stored, without Redis").isEqualTo(3);
        await("the position check reads the database").atMost(WITHIN)
                .until(() -> atB.messages("r").contains(whileGone));

        redis.restart();
        assertThat(a.publish("r", "alice", "after the restart", null).join().offset()).isEqualTo(4);
        ServerEvent.Message last = b.publish("r", "bob", "and from the other node", null).join();
        assertThat(last.offset()).isEqualTo(5);
        await().atMost(WITHIN).until(() -> atB.messages("r").contains(last));
        assertThat(offsets(atB.messages("r"))).isEqualTo(range(1, 5));
        assertThat(b.recover("r", null, 0, 0).join().epoch()).isEqualTo(epoch);
        assertThat(atB.events).noneMatch(e -> e.equals("lost r"));
    }
}
