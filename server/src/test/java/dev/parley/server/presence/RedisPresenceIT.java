package dev.parley.server.presence;

import dev.parley.server.backend.UnavailableException;
import dev.parley.server.redis.Redis;
import dev.parley.testing.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SetArgs;
import dev.parley.testing.TcpProxy;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** {@link RedisPresence} of several nodes (one Redis connection each) against a real redis-server. */
class RedisPresenceIT extends PresenceContract {
    private static final RedisPresence.Settings FAST = new RedisPresence.Settings(Duration.ofMillis(1500),
            Duration.ofMillis(250), Duration.ofSeconds(2));
    private static final Duration WITHIN = Duration.ofSeconds(6);

    private RedisServer redis;
    private final List<Redis> connections = new ArrayList<>();
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final List<RedisPresence> nodes = new ArrayList<>();

    /** What a node's hub would be asked, and how long its evictions take. */
    private static final class Recorder implements PresenceListener {
        final Queue<String> expired = new ConcurrentLinkedQueue<>();
        final Queue<String> evicted = new ConcurrentLinkedQueue<>();
        volatile CompletableFuture<Void> eviction = CompletableFuture.completedFuture(null);

        @Override
        public void memberExpired(String room, String nick) {
            expired.add(room + "/" + nick);
        }

        @Override
        public CompletableFuture<Void> evict(String sessionId) {
            evicted.add(sessionId);
            return eviction;
        }
    }

    @BeforeEach
    void startRedis() {
        redis = RedisServer.start();
    }

    @AfterEach
    void stopAll() {
        nodes.forEach(RedisPresence::close);
        connections.forEach(Redis::close);
        redis.close();
    }

    private Redis connect() {
        Redis connection = Redis.connect(redis.uri(), false, Duration.ofSeconds(2), new SimpleMeterRegistry()).join();
        connections.add(connection);
        return connection;
    }

    private RedisPresence node(Redis connection, String id, Recorder recorder) {
        return node(connection, id, recorder, FAST);
    }

    private RedisPresence node(Redis connection, String id, Recorder recorder, RedisPresence.Settings settings) {
        RedisPresence node = RedisPresence.open(connection, id, settings, metrics).join();
        node.listen(recorder);
        nodes.add(node);
        return node;
    }

    private RedisPresence node(String id, Recorder recorder) {
        return node(connect(), id, recorder);
    }

    @Override
    Presence node(int index) {
        while (nodes.size() <= index) {
            node("n" + nodes.size(), new Recorder());
        }
        return nodes.get(index);
    }

    /** Runs one command on a connection of its own, as an operator would with redis-cli. */
    private String raw(java.util.function.Function<io.lettuce.core.api.sync.RedisCommands<String, String>, String> command) {
        RedisClient client = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            return command.apply(connection.sync());
        } finally {
            client.shutdown(0, 0, TimeUnit.SECONDS);
        }
    }

    @Test
    void aResumeOnAnotherNodeWaitsUntilTheHoldingNodeEvictedTheOldSession() {
        Recorder atA = new Recorder();
        RedisPresence a = node("a", atA);
        RedisPresence b = node("b", new Recorder());
        RedisPresence c = node("c", new Recorder());
        a.claim("alice", new NickOwner("s-1", "secret"), null, 1).join();
        CompletableFuture<Void> leftRooms = new CompletableFuture<>();
        atA.eviction = leftRooms;

        CompletableFuture<NickClaim> resumed = b.claim("alice", new NickOwner("s-2", "next"), "secret", 1);
        await().atMost(WITHIN).until(() -> atA.evicted.contains("s-1"));
        assertThat(resumed).as("the claimant waits for the old session to leave its rooms").isNotDone();
        leftRooms.complete(null);
        assertThat(resumed.orTimeout(5, TimeUnit.SECONDS).join()).isEqualTo(NickClaim.replacing("s-1"));
        assertThat(metrics.counter("parley.presence.evictions").count()).isEqualTo(1);
        assertThat(metrics.counter("parley.presence.evictions.unconfirmed").count()).isZero();

        a.release("alice", "s-1").join();
        assertThat(c.claim("alice", new NickOwner("s-3", "x"), null, 1).join())
                .as("the old session's late release leaves the new claim").isEqualTo(NickClaim.FULL);
        assertThat(c.claim("alice", new NickOwner("s-3", "x"), "secret", 1).join())
                .as("the old secret is spent").isEqualTo(NickClaim.FULL);
        assertThat(c.claim("alice", new NickOwner("s-3", "x"), "next", 1).join()).isEqualTo(NickClaim.replacing("s-2"));
    }

    @Test
    void aResumeGoesOnWithoutTheHoldingNodeWhenItIsGoneAndAfterATimeoutWhenItDoesNotAnswer() {
        Recorder silent = new Recorder();
        silent.eviction = new CompletableFuture<>();
        RedisPresence a = node("a", silent);
        Redis dying = connect();
        RedisPresence d = node(dying, "d", new Recorder());
        RedisPresence b = node("b", new Recorder());
        a.claim("slow", new NickOwner("s-1", "one"), null, 1).join();
        d.claim("gone", new NickOwner("s-2", "two"), null, 1).join();
        dying.close();

        long start = System.nanoTime();
        assertThat(b.claim("gone", new NickOwner("s-3", "x"), "two", 1).orTimeout(5, TimeUnit.SECONDS).join())
                .isEqualTo(NickClaim.replacing("s-2"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("nobody listens for the dead node: no wait")
                .isLessThan(FAST.evictionTimeout());

        assertThat(b.claim("slow", new NickOwner("s-4", "y"), "one", 1).orTimeout(10, TimeUnit.SECONDS).join())
                .isEqualTo(NickClaim.replacing("s-1"));
        assertThat(silent.evicted).containsOnly("s-1");
        assertThat(metrics.counter("parley.presence.evictions.unconfirmed").count()).isEqualTo(1);
    }

    @Test
    void aResumeOnTheSameNodeIsLeftToTheHub() {
        Recorder recorder = new Recorder();
        RedisPresence a = node("a", recorder);
        a.claim("alice", new NickOwner("s-1", "secret"), null, 1).join();
        assertThat(a.claim("alice", new NickOwner("s-2", "next"), "secret", 1).join()).isEqualTo(NickClaim.replacing("s-1"));
        assertThat(recorder.evicted).isEmpty();
    }

    @Test
    void aNodeThatStopsRefreshingLosesItsMembersAndNickAndEachRemovalIsReportedOnceButUsersWithSessionsElsewhereStay() {
        Recorder atB = new Recorder();
        Recorder atC = new Recorder();
        Redis dying = connect();
        RedisPresence a = node(dying, "a", new Recorder());
        RedisPresence b = node("b", atB);
        RedisPresence c = node("c", atC);
        a.claim("alice", new NickOwner("s-1", "secret"), null, 1).join();
        a.join("r", "alice", "s-alice").join();
        a.join("lonely", "alice", "s-alice").join();
        b.join("r", "bob", "s-bob").join();
        c.join("r", "carol", "s-carol").join();
        a.claim("dave", new NickOwner("s-d1", "one"), null, 2).join();
        b.claim("dave", new NickOwner("s-d2", "two"), null, 2).join();
        a.join("r", "dave", "s-d1").join();
        b.join("r", "dave", "s-d2").join();

        dying.close();

        await().atMost(WITHIN).until(() -> b.members("r", null, 10).join().equals(List.of("bob", "carol", "dave")));
        await().atMost(WITHIN).until(() -> !b.rooms().join().containsKey("lonely"));
        await().atMost(WITHIN).until(() -> raw(redis -> new TreeSet<>(redis.zrange("parley:presence:{r}:sessions", 0, -1))
                .toString()).equals("[bob s-bob b, carol s-carol c, dave s-d2 b]"));
        assertThat(b.claim("alice", new NickOwner("s-2", "x"), null, 1).join()).isEqualTo(NickClaim.GRANTED);
        await().atMost(WITHIN).until(() -> b.claim("dave", new NickOwner("s-d3", "three"), null, 2).join().granted());
        assertThat(b.claim("dave", new NickOwner("s-d4", "four"), null, 2).join()).isEqualTo(NickClaim.FULL);
        List<String> reported = new ArrayList<>(atB.expired);
        reported.addAll(atC.expired);
        assertThat(reported).as("dave's session on b keeps him in r; a room with no other node's member is told too")
                .containsExactlyInAnyOrder("r/alice", "lonely/alice");
        assertThat(metrics.counter("parley.presence.expired").count()).isEqualTo(2);
        assertThat(b.members("r", null, 10).join()).as("live members stay").containsExactly("bob", "carol", "dave");
        assertThat(b.leave("r", "dave", "s-d2").join()).as("the counts stayed right through the refreshes")
                .isEqualTo(new RoomChange(true, 2));
    }

    @Test
    void anAbandonedMemberStaysUntilItExpiresUnlessAnotherNodeJoinsItFirstAndItsNodeNeverRemovesIt() {
        Recorder atB = new Recorder();
        RedisPresence a = node("a", new Recorder());
        RedisPresence b = node("b", atB);
        a.join("r", "alice", "s-alice").join();
        a.join("s", "alice", "s-alice").join();
        b.join("r", "bob", "s-bob").join();
        b.join("s", "bob", "s-bob").join();

        a.abandon("r", "alice", "s-alice").join();
        a.abandon("s", "alice", "s-alice").join();
        assertThat(b.members("r", null, 10).join()).as("nothing written").containsExactly("alice", "bob");
        assertThat(b.join("s", "alice", "s-resumed").join().changed()).as("a resume's join is no change").isFalse();
        a.close();
        assertThat(raw(commands -> String.valueOf(commands.zscore("parley:nodes", "a"))))
                .as("a node that abandoned sessions leaves its heartbeat to lapse").isNotEqualTo("null");

        await().atMost(WITHIN).until(() -> atB.expired.contains("r/alice"));
        assertThat(b.members("r", null, 10).join()).containsExactly("bob");
        assertThat(b.members("s", null, 10).join()).as("kept by the node that joined it").containsExactly("alice", "bob");
        assertThat(atB.expired).as("the abandoned session's expiry in s is no leave").containsExactly("r/alice");
        assertThat(b.leave("s", "alice", "s-resumed").join()).isEqualTo(new RoomChange(true, 1));
    }

    @Test
    void commandsFailFastWhileRedisIsDownAndANodeRestoresItsEntriesWhenRedisComesBackEmpty() {
        RedisPresence a = node("a", new Recorder());
        RedisPresence b = node("b", new Recorder());
        a.claim("alice", new NickOwner("s-1", "secret"), null, 1).join();
        a.join("r", "alice", "s-alice").join();
        b.join("r", "bob", "s-bob").join();

        redis.kill();
        long start = System.nanoTime();
        assertThatThrownBy(() -> a.join("r", "carol", "s-carol").orTimeout(5, TimeUnit.SECONDS).join())
                .hasCauseInstanceOf(UnavailableException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("not queued until Redis is back")
                .isLessThan(Duration.ofSeconds(5));

        redis.restart();
        await().atMost(WITHIN).ignoreExceptions()
                .until(() -> a.members("r", null, 10).join().equals(List.of("alice", "bob")));
        assertThat(b.claim("alice", new NickOwner("s-2", "x"), null, 1).join()).isEqualTo(NickClaim.FULL);
        assertThat(a.rooms().join()).isEqualTo(Map.of("r", 2));
        assertThat(a.members("r", null, 10).join()).as("the failed join left nothing behind").doesNotContain("carol");
    }

    @Test
    void aNodePutsBackWhatRedisLostAsSoonAsItIsConnectedAgainNotAtItsNextRefresh() {
        RedisPresence a = node(connect(), "a", new Recorder(), new RedisPresence.Settings(Duration.ofMinutes(2),
                Duration.ofMinutes(1), Duration.ofSeconds(2)));
        a.claim("alice", new NickOwner("s-1", "secret"), null, 1).join();
        a.join("r", "alice", "s-alice").join();
        redis.kill();
        redis.restart();
        await().atMost(WITHIN).ignoreExceptions().until(() -> a.members("r", null, 10).join().equals(List.of("alice")));
        assertThat(raw(commands -> commands.hget("parley:nick:{alice}:sessions", "s-1"))).startsWith("a ").endsWith(" alice");
    }

    @Test
    void afterRedisLostThemEachNodePutsItsSessionsOfAUserBackButNotOneThatWasTakenOver() {
        Recorder atA = new Recorder();
        Recorder atB = new Recorder();
        RedisPresence a = node("a", atA);
        RedisPresence b = node("b", atB);
        a.claim("alice", new NickOwner("s-1", "one"), null, 2).join();
        b.claim("alice", new NickOwner("s-2", "two"), null, 2).join();
        raw(redis -> redis.flushall());
        await().atMost(WITHIN).until(() -> raw(redis -> new TreeSet<>(redis.hkeys("parley:nick:{alice}:sessions")).toString())
                .equals("[s-1, s-2]"));

        raw(redis -> redis.hdel("parley:nick:{alice}:sessions", "s-2") + " "
                + redis.zadd("parley:nick:{alice}:replaced", System.currentTimeMillis() + 60_000, "s-2") + " "
                + redis.zrem("parley:nodes", "b"));
        await().atMost(WITHIN).until(() -> atB.evicted.contains("s-2"));
        assertThat(raw(redis -> redis.hkeys("parley:nick:{alice}:sessions").toString())).isEqualTo("[s-1]");
        assertThat(atA.evicted).isEmpty();
    }

    @Test
    void aClaimTakenByAnotherSessionWhileRedisHadLostItEvictsTheLocalSession() {
        Recorder recorder = new Recorder();
        RedisPresence a = node("a", recorder);
        a.claim("alice", new NickOwner("s-1", "secret"), null, 1).join();
        raw(redis -> redis.del("parley:nick:{alice}:sessions") + " " + redis.hset("parley:nick:{alice}:sessions", "s-7", "b hash alice")
                + " " + redis.zrem("parley:nodes", "a"));
        await().atMost(WITHIN).until(() -> recorder.evicted.contains("s-1"));
        a.release("alice", "s-1").join();
        assertThat(raw(redis -> redis.hgetall("parley:nick:{alice}:sessions").toString())).isEqualTo("{s-7=b hash alice}");
    }

    /** The scripts Redis ran since its statistics were reset, by {@code INFO commandstats}. */
    private static long scriptsRun(String commandStats) {
        Matcher calls = Pattern.compile("cmdstat_eval(?:sha)?:calls=(\\d+)").matcher(commandStats);
        long total = 0;
        while (calls.find()) {
            total += Long.parseLong(calls.group(1));
        }
        return total;
    }

    private long redisTimeMs() {
        return Long.parseLong(raw(commands -> {
            List<String> time = commands.time();
            return time.get(0) + String.format("%03d", Long.parseLong(time.get(1)) / 1000);
        }));
    }

    private double heartbeatOf(String node) {
        return Double.parseDouble(raw(commands -> String.valueOf(commands.zscore("parley:nodes", node))));
    }

    private Redis connectThrough(TcpProxy proxy) {
        Redis connection = Redis.connect(proxy.rewrite(URI.create(redis.uri())).toString(), false,
                Duration.ofSeconds(1), new SimpleMeterRegistry()).join();
        connections.add(connection);
        return connection;
    }

    /** Node d, on a connection of its own (returned), with dora in r and {@code moreRooms}, beside bob of {@code b} in r. */
    private Redis doraOnNodeD(RedisPresence b, String... moreRooms) {
        Redis connection = connect();
        RedisPresence d = node(connection, "d", new Recorder());
        d.claim("dora", new NickOwner("s-1", "secret"), null, 1).join();
        d.join("r", "dora", "s-1").join();
        for (String room : moreRooms) {
            d.join(room, "dora", "s-1").join();
        }
        b.join("r", "bob", "s-bob").join();
        return connection;
    }

    @Test
    void aRoundCostsAFewCommandsPlusOnePerRoomWhateverTheNumberOfSessions() {
        RedisPresence a = node(connect(), "a", new Recorder(), new RedisPresence.Settings(Duration.ofSeconds(2),
                Duration.ofMillis(100), Duration.ofSeconds(2)));
        List<CompletableFuture<?>> sessions = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            sessions.add(a.claim("user" + i, new NickOwner("s-" + i, "secret" + i), null, 1));
            sessions.add(a.join("room" + i % 3, "user" + i, "s-" + i));
        }
        CompletableFuture.allOf(sessions.toArray(CompletableFuture[]::new)).join();
        raw(commands -> commands.configResetstat());
        long reset = redisTimeMs();

        await().atMost(WITHIN).pollInterval(Duration.ofMillis(250)).until(() -> redisTimeMs() >= reset + 1000);
        String stats = raw(commands -> commands.info("commandstats"));
        long rounds = 1000 / 100 + 2;
        assertThat(scriptsRun(stats)).as("at most %d rounds of two scripts, not one per session: %s", rounds, stats)
                .isLessThanOrEqualTo(rounds * (2 + 3));
    }

    @Test
    void aNodeClosedWithoutCleaningUpLosesItsMembersAndClaimsWithinTtlAndAnIntervalEachLeaveToldOnce() {
        Recorder atB = new Recorder();
        Recorder atC = new Recorder();
        RedisPresence b = node("b", atB);
        node("c", atC);
        doraOnNodeD(b, "s").close();
        long closed = System.nanoTime();
        await().atMost(WITHIN).until(() -> b.members("r", null, 10).join().equals(List.of("bob"))
                && b.count("s").join() == 0);
        assertThat(Duration.ofNanos(System.nanoTime() - closed)).as("ttl + interval, and some slack")
                .isLessThan(FAST.ttl().plus(FAST.refreshInterval()).plusSeconds(2));
        assertThat(b.claim("dora", new NickOwner("s-2", "x"), null, 1).join()).isEqualTo(NickClaim.GRANTED);
        await().atMost(WITHIN).until(() -> raw(commands -> commands.keys("parley:node:{d}*").toString()).equals("[]"));
        assertThat(raw(commands -> String.valueOf(commands.zscore("parley:nodes", "d")))).isEqualTo("null");
        List<String> reported = new ArrayList<>(atB.expired);
        reported.addAll(atC.expired);
        assertThat(reported).containsExactlyInAnyOrder("r/dora", "s/dora");
    }

    @Test
    void everyLiveNodePutsItsPresenceBackWithinARoundAfterAFlushAndARestartEmpty() {
        RedisPresence a = node("a", new Recorder());
        RedisPresence b = node("b", new Recorder());
        a.claim("alice", new NickOwner("s-1", "one"), null, 1).join();
        a.join("r", "alice", "s-1").join();
        b.claim("bob", new NickOwner("s-2", "two"), null, 1).join();
        b.join("r", "bob", "s-2").join();
        b.join("t", "bob", "s-2").join();
        Duration round = FAST.refreshInterval().multipliedBy(2).plusSeconds(1);

        for (Runnable loss : List.<Runnable>of(() -> raw(commands -> commands.flushall()), () -> {
            redis.kill();
            redis.restart();
        })) {
            loss.run();
            await().atMost(round.plusSeconds(3)).ignoreExceptions().until(() -> a.rooms().join().equals(Map.of("r", 2, "t", 1))
                    && raw(commands -> new TreeSet<>(commands.smembers("parley:node:{b}:rooms")).toString()).equals("[r, t]")
                    && raw(commands -> commands.smembers("parley:node:{a}:nicks").toString()).equals("[alice]")
                    && raw(commands -> commands.hkeys("parley:nick:{bob}:sessions").toString()).equals("[s-2]")
                    && raw(commands -> commands.zcard("parley:nodes").toString()).equals("2"));
        }
        assertThat(b.claim("alice", new NickOwner("s-3", "x"), null, 1).join()).isEqualTo(NickClaim.FULL);
    }

    @Test
    void aNodeCutOffLongerThanTheTtlPutsBackWhatAnotherNodeCleanedUpAfterIt() {
        Recorder atB = new Recorder();
        TcpProxy proxy = TcpProxy.to(new InetSocketAddress(InetAddress.getLoopbackAddress(), redis.port()));
        Redis throughProxy = connectThrough(proxy);
        RedisPresence a = node(throughProxy, "a", new Recorder());
        RedisPresence b = node("b", atB);
        a.claim("alice", new NickOwner("s-1", "one"), null, 1).join();
        a.join("r", "alice", "s-1").join();
        b.join("r", "bob", "s-2").join();

        proxy.holdToServer();
        await().atMost(WITHIN).until(() -> atB.expired.contains("r/alice"));
        assertThat(b.members("r", null, 10).join()).containsExactly("bob");
        proxy.cutAll();
        await().atMost(WITHIN).until(() -> b.members("r", null, 10).join().equals(List.of("alice", "bob"))
                && raw(commands -> commands.hkeys("parley:nick:{alice}:sessions").toString()).equals("[s-1]")
                && raw(commands -> commands.smembers("parley:node:{a}:rooms").toString()).equals("[r]"));
        assertThat(b.claim("alice", new NickOwner("s-3", "x"), null, 1).join()).isEqualTo(NickClaim.FULL);
        proxy.close();
    }

    @Test
    void aLeaveThatFailedWhileRedisWasOutOfReachIsWrittenAndToldOnceRedisIsBack() {
        Recorder atA = new Recorder();
        TcpProxy proxy = TcpProxy.to(new InetSocketAddress(InetAddress.getLoopbackAddress(), redis.port()));
        Redis throughProxy = connectThrough(proxy);
        RedisPresence a = node(throughProxy, "a", atA, new RedisPresence.Settings(Duration.ofSeconds(30),
                Duration.ofMillis(250), Duration.ofSeconds(2)));
        RedisPresence b = node("b", new Recorder());
        a.join("r", "alice", "s-1").join();
        b.join("r", "bob", "s-2").join();

        proxy.holdToServer();
        assertThatThrownBy(() -> a.leave("r", "alice", "s-1").join()).hasCauseInstanceOf(UnavailableException.class);
        assertThat(b.members("r", null, 10).join()).containsExactly("alice", "bob");
        proxy.cutAll();
        await().atMost(WITHIN).until(() -> b.members("r", null, 10).join().equals(List.of("bob")));
        await().atMost(WITHIN).until(() -> atA.expired.contains("r/alice"));
        assertThat(atA.expired).containsExactly("r/alice");
        assertThat(raw(commands -> commands.exists("parley:node:{a}:rooms").toString())).isEqualTo("0");
        proxy.close();
    }

    @Test
    void whenTheNodeCleaningUpAfterADeadNodeDiesMidWayAnotherFinishesOnceItsLeaseExpires() {
        Recorder atB = new Recorder();
        RedisPresence b = node("b", atB);
        Redis dying = doraOnNodeD(b, "s");
        raw(commands -> commands.set("parley:node:{d}:cleaner", "gone", SetArgs.Builder.px(4000)));
        raw(commands -> commands.zrem("parley:presence:{s}:sessions", "dora s-1 d").toString()
                + commands.del("parley:presence:{s}:members", "parley:presence:{s}:counts"));

        dying.close();
        await().atMost(WITHIN).until(() -> heartbeatOf("d") < redisTimeMs());
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2))
                .until(() -> b.members("r", null, 10).join().equals(List.of("bob", "dora")));
        await().atMost(WITHIN).until(() -> b.members("r", null, 10).join().equals(List.of("bob")));
        assertThat(b.claim("dora", new NickOwner("s-2", "x"), null, 1).join()).isEqualTo(NickClaim.GRANTED);
        assertThat(atB.expired).as("what the dead cleaner had done is not done again").containsExactly("r/dora");
        await().atMost(WITHIN).until(() -> raw(commands -> commands.keys("parley:node:{d}*").toString()).equals("[]"));
    }

    @Test
    void aNodeThatLostItsHeartbeatFindsAnOrphanedIndexAndCleansUpAfterItsNodeOnceItStaysWithoutOne() {
        Recorder atB = new Recorder();
        RedisPresence b = node("b", atB);
        doraOnNodeD(b).close();
        raw(commands -> commands.del("parley:nodes").toString());
        await().atMost(WITHIN).until(() -> atB.expired.contains("r/dora"));
        assertThat(b.members("r", null, 10).join()).containsExactly("bob");
        assertThat(b.claim("dora", new NickOwner("s-2", "x"), null, 1).join()).isEqualTo(NickClaim.GRANTED);
        assertThat(atB.expired).containsExactly("r/dora");
        assertThat(raw(commands -> commands.keys("parley:node:{d}*").toString())).isEqualTo("[]");
    }
}
