package dev.parley.server.redis;

import dev.parley.testing.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link LuaScript} on a real redis-server whose script cache was emptied (as by a restart): why
 * {@link LuaScript#runInOrder} exists. The commands are written in one flush, so that Redis reads
 * them in the order they were sent whatever the machine's load.
 */
class LuaScriptIT {
    private static final LuaScript APPEND = new LuaScript("return redis.call('RPUSH', KEYS[1], ARGV[1])");

    private RedisServer redis;
    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;
    private RedisAsyncCommands<String, String> commands;

    @BeforeEach
    void connect() {
        redis = RedisServer.start();
        client = RedisClient.create(redis.uri());
        connection = client.connect();
        commands = connection.async();
        APPEND.load(commands).join();
        commands.scriptFlush().toCompletableFuture().join();
    }

    @AfterEach
    void close() {
        if (client != null) {
            connection.close();
            client.shutdown(0, 0, TimeUnit.SECONDS);
        }
        if (redis != null) {
            redis.close();
        }
    }

    /**
     * Sends the script (appending "script" to a list) and then an {@code RPUSH} of "after", in one
     * flush; returns the list once both are done.
     */
    private List<String> scriptThenPush(Function<String[], CompletableFuture<Long>> script) {
        connection.setAutoFlushCommands(false);
        CompletableFuture<Long> appended = script.apply(new String[] {"l"});
        CompletableFuture<Long> pushed = commands.rpush("l", "after").toCompletableFuture();
        connection.flushCommands();
        connection.setAutoFlushCommands(true);
        // A fallback EVAL that Lettuce queued on its own thread before auto-flush was back on.
        connection.flushCommands();
        CompletableFuture.allOf(appended, pushed).orTimeout(5, TimeUnit.SECONDS).join();
        return commands.lrange("l", 0, -1).toCompletableFuture().join();
    }

    @Test
    void runFallsBackToTheWholeScriptOnNoscriptAndSoRunsAfterCommandsSentLater() {
        assertThat(scriptThenPush(keys -> APPEND.run(commands, ScriptOutputType.INTEGER, keys, "script")))
                .containsExactly("after", "script");
    }

    @Test
    void runInOrderRunsWhereItWasSentWhateverRedisHasCached() {
        assertThat(scriptThenPush(keys -> APPEND.runInOrder(commands, ScriptOutputType.INTEGER, keys, "script")))
                .containsExactly("script", "after");
    }

    @Test
    void scriptsFromResourcesRunAsOneScript() {
        LuaScript indexRooms = LuaScript.fromResources("presence/now", "presence/index-rooms");
        commands.zadd("index", 1, "long-gone").toCompletableFuture().join();
        commands.zadd("index", Long.MAX_VALUE / 2, "alive").toCompletableFuture().join();
        Long removed = indexRooms.<Long>runInOrder(commands, ScriptOutputType.INTEGER, new String[] {"index"}, "1000")
                .join();
        assertThat(removed).isEqualTo(1);
        assertThat(commands.zrange("index", 0, -1).toCompletableFuture().join()).containsExactly("alive");
    }
}
