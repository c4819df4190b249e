package dev.parley.server.broker;

import dev.parley.server.redis.LuaScript;
import dev.parley.server.redis.Redis;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The names of a room's keys in Redis and how its scripts are put together, for {@link RedisBroker}
 * and {@link RedisReadState}. Every key of a room carries it as a hash tag ({@code {R}}), so that
 * one script reaches them all in one Redis Cluster slot. Every room script takes the epoch a room
 * without one gets as its first argument and the life of the room's keys after its last write (ms,
 * 0 for ever) as its last ({@code redis/epoch.lua}).
 */
final class RedisRooms {
    private static final String ROOM_PREFIX = "parley:room:{";

    private RedisRooms() {
    }

    /** The keys every room script is given, in the order {@code redis/epoch.lua} names them. */
    static String[] keys(String room) {
        String prefix = ROOM_PREFIX + room + "}:";
        return new String[] {prefix + "log", meta(room), nonces(room), prefix + "texts", prefix + "state",
                prefix + "live", prefix + "senders", prefix + "mentions", prefix + "mentioned", reads(room), webhooks(room)};
    }

    /** The room's webhook outbox, a stream ({@code redis/outbox.lua}). */
    static String webhooks(String room) {
        return ROOM_PREFIX + room + "}:webhooks";
    }

    /** The room's hash of the nonces of its kept messages, {@code <nick key> <nonce>} to offset. */
    static String nonces(String room) {
        return ROOM_PREFIX + room + "}:nonces";
    }

    /** The room's hash of its {@code epoch} and {@code top} offset. */
    static String meta(String room) {
        return ROOM_PREFIX + room + "}:meta";
    }

    /** The room's hash of read markers, user to offset. */
    static String reads(String room) {
        return ROOM_PREFIX + room + "}:reads";
    }

    /**
     * Takes {@code room} out of the set {@code rooms} (in another slot than the room's), then puts it
     * back when {@code belongs}, asked after the removal, says it belongs there after all: for a set
     * that a writer adds a room to after the room's own keys show it belongs, so that a room that came
     * to belong while it was being taken out is either seen here or added after the removal.
     */
    static void removeUnlessBack(Redis redis, String rooms, String room, Supplier<CompletableFuture<Boolean>> belongs) {
        redis.call(redis.commands().srem(rooms, room))
                .thenCompose(removed -> belongs.get())
                .thenCompose(back -> back ? redis.call(redis.commands().sadd(rooms, room))
                        : CompletableFuture.completedFuture(0L))
                .exceptionally(failure -> 0L);
    }

    /**
     * The scripts {@code redis/<part>.lua} as one, after the part every room script starts with,
     * {@code redis/epoch.lua}: the parts shared ({@code index}, {@code append}, {@code read}) before
     * the script's own.
     */
    static LuaScript script(String... parts) {
        String[] names = new String[parts.length + 1];
        names[0] = "epoch";
        System.arraycopy(parts, 0, names, 1, parts.length);
        return LuaScript.fromResources(names);
    }

    /**
     * A room script that publishes the room's events ({@code redis/append.lua} among its parts)
     * with {@code publishCommand}: {@code publish}, or {@code spublish} on a Redis Cluster.
     */
    static LuaScript publishing(String publishCommand, String... parts) {
        return script(parts).after("local publish_command = '" + publishCommand + "'");
    }
}
