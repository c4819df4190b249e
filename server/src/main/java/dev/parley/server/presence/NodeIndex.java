package dev.parley.server.presence;

import dev.parley.server.redis.Redis;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * One of this node's index keys in Redis (a set: the rooms it has sessions in, or the nicks it
 * holds claims of), which whoever cleans up after this node reads. Counts this node's holds of each
 * member, so that only the first hold adds it and only the last release removes it: one command per
 * change, none per round. The commands about one member are handed, inside its map entry's compute,
 * to one executor that is not Lettuce's event loop, so that they reach Redis in the order its count
 * changed (a command written on the connection's event loop itself would go before those queued).
 */
final class NodeIndex {
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final Redis redis;
    private final String key;
    private final Map<String, Integer> holds = new ConcurrentHashMap<>();
    private final Executor inOrder;

    NodeIndex(Redis redis, String key) {
        this.redis = redis;
        this.key = key;
        this.inOrder = redis.timers().next();
    }

    /** One more hold of {@code member}; completes when it is in the index. */
    CompletableFuture<Void> hold(String member) {
        CompletableFuture<Void> added = new CompletableFuture<>();
        holds.compute(member, (name, count) -> {
            if (count == null) {
                send(() -> redis.commands().sadd(key, name), added);
            } else {
                added.complete(null);
            }
            return count == null ? 1 : count + 1;
        });
        return added;
    }

    /** One hold of {@code member} fewer; the last removes it from the index. */
    void release(String member) {
        holds.computeIfPresent(member, (name, count) -> {
            if (count > 1) {
                return count - 1;
            }
            send(() -> redis.commands().srem(key, name), new CompletableFuture<>());
            return null;
        });
    }

    private void send(Supplier<CompletionStage<Long>> command, CompletableFuture<Void> sent) {
        try {
            inOrder.execute(() -> redis.call(command.get()).whenComplete((count, failure) -> {
                if (failure == null) {
                    sent.complete(null);
                } else {
                    sent.completeExceptionally(failure);
                }
            }));
        } catch (RejectedExecutionException closing) {
            sent.completeExceptionally(closing);
        }
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
