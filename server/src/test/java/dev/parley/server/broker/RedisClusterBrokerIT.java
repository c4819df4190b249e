package dev.parley.server.broker;

import dev.parley.protocol.ServerEvent;
import dev.parley.server.redis.PubSub;
import dev.parley.server.redis.Redis;
import dev.parley.testing.RedisCluster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link RedisBrokerIT} on a real Redis Cluster (three masters, three replicas): the same promises
 * with each room's keys and sharded channel on its slot's master, and a room's traffic across a
 * failover of that master.
 */
class RedisClusterBrokerIT extends RedisBrokerIT {
    private static final Duration WITHIN = Duration.ofSeconds(15);
    private static RedisCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = RedisCluster.shared();
    }

    /** The cluster this JVM's tests share, emptied before each test. */
    @Override
    @BeforeEach
    void startRedis() {
        cluster.flushAll();
    }

    @Override
    Redis connect() {
        return Redis.connect(cluster.uris(), true, Duration.ofSeconds(2), new SimpleMeterRegistry()).join();
    }

    @Test
    void aWatchedRoomsTrafficAndAUsersMessagesGoOnAfterTheirMastersFailOver() {
        Recorder atB = new Recorder();
        Broker a = node(new Recorder());
        Broker b = node(atB);
        atB.here.add("bob");
        b.watch("r").join();
        b.watchUser("bob").join();
        ServerEvent.Message first = a.publish("r", "alice", "before", null).join();
        await().atMost(WITHIN).until(() -> atB.events.contains(first));

        cluster.failover("parley:room:{r}");
        cluster.failover("parley:user:bob");

        ServerEvent.Message after = await().atMost(WITHIN).ignoreExceptions()
                .until(() -> a.publish("r", "alice", "after", null).join(), sent -> sent != null);
        await().atMost(WITHIN).until(() -> atB.events.contains(after));
        assertThat(atB.messages("r")).containsExactly(first, after);
        ServerEvent.Dm dm = new ServerEvent.Dm("alice", "bob", "hi", 1);
        await().atMost(WITHIN).until(() -> a.direct(dm).join());
        await().atMost(WITHIN).until(() -> atB.directs.contains(dm));
    }

    /**
     * The topology is read again every 10 s over short-lived connections of Lettuce's own; their
     * activation is no connection coming back, and an idle node must not subscribe every channel
     * again each time (at 100,000 sessions that was thousands of SSUBSCRIBEs a second).
     */
    @Test
    void anIdleNodeDoesNotSubscribeAgainWhenTheTopologyIsReadAgain() throws Exception {
        try (Redis redis = connect()) {
            PubSub pubSub = redis.connectPubSub().join();
            AtomicInteger resubscribed = new AtomicInteger();
            pubSub.onResubscribed(resubscribed::incrementAndGet);
            pubSub.subscribe(RoomChannels.channel("r")).join();

            await().during(Duration.ofSeconds(12)).atMost(WITHIN).until(() -> resubscribed.get() == 0);
        }
    }
}
