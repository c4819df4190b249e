package dev.parley.server.presence;

import dev.parley.server.redis.Redis;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One of this node's index keys in Redis (a set: the rooms it has sessions in, or the nicks it
 * holds claims of), which whoever cleans up after this node reads. Counts this node's holds of each
 * member, so that only the first hold adds it and only the last release removes it: one command per
 * change, none per round. The commands about one member are sent inside its map entry's compute, in
 * the order its count changed.
 */
final class NodeIndex {
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final Redis redis;
    private final String key;
    private final Map<String, Integer> holds = new ConcurrentHashMap<>();

    NodeIndex(Redis redis, String key) {
        this.redis = redis;
        this.key = key;
    }

    /** One more hold of {@code member}; completes when it is in the index. */
    CompletableFuture<Void> hold(String member) {
        CompletableFuture<?>[] added = {DONE};
        holds.compute(member, (name, count) -> {
            if (count == null) {
                added[0] = redis.call(redis.commands().sadd(key, name));
            }
            return count == null ? 1 : count + 1;
        });
        return added[0].thenApply(done -> null);
    }

    /** One hold of {@code member} fewer; the last removes it from the index. */
    void release(String member) {
        holds.computeIfPresent(member, (name, count) -> {
            if (count > 1) {
                return count - 1;
            }
            redis.call(redis.commands().srem(key, name));
            return null;
        });
    }

    /** Whether this node holds nothing here. */
    boolean isEmpty() {
        return holds.isEmpty();
    }

    /** Puts every held member back into the index (Redis may have lost it); completes when it is. */
    CompletableFuture<Void> restore() {
        List<String> members = List.copyOf(holds.keySet());
        return members.isEmpty() ? DONE
                : redis.call(redis.commands().sadd(key, members.toArray(String[]::new))).thenApply(added -> null);
    }
}
