package dev.parley.server.broker;

import dev.parley.protocol.ParleyJson;
import dev.parley.protocol.ServerEvent;
import dev.parley.server.redis.LuaScript;
import dev.parley.server.redis.Redis;
import dev.parley.server.store.Webhook;
import dev.parley.server.store.WebhookLanes;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ObjIntConsumer;
import java.util.function.Predicate;

/**
 * The webhooks of a cluster on Redis without a database: an outbox per room in the room's slot,
 * {@code parley:room:{R}:webhooks} (a stream, {@code redis/outbox.lua}), to which {@code publish.lua}
 * and {@code event.lua} add a room event's webhook in the step that appends the event, so that a
 * room's webhooks are in its offset order whichever node published them; a member's join or leave
 * is added by a script of its own. A lane is a room: its lease {@code parley:room:{R}:webhooks:lease}
 * (SET NX PX) says which node delivers it, and {@code parley:room:{R}:webhooks:attempts} counts the
 * failed attempts of its entries. Rooms with waiting webhooks are found by a SCAN (a node also
 * wakes its deliverer for the rooms it publishes to). What Redis loses (a flush, a failover before
 * replication) is lost with it.
 */
final class RedisWebhookOutbox implements WebhookLanes {
    /** A room whose node died waits 10 s for another (the database's outbox: 30 s); a look is a SCAN step. */
    private static final Pace PACE = new Pace(10_000, 500);
    /** Keys a SCAN step looks at: a room has about ten, so a look covers about a hundred rooms. */
    private static final int SCAN_COUNT = 1000;
    private static final String OUTBOXES = "parley:room:{*}:webhooks";
    private static final String LEASE_SUFFIX = ":lease";
    private static final String ATTEMPTS_SUFFIX = ":attempts";
    private static final LuaScript ADD = LuaScript.fromResources("outbox", "webhooks/add");
    private static final LuaScript LEASE = LuaScript.fromResources("webhooks/lease");
    private static final LuaScript RELEASE = LuaScript.fromResources("webhooks/release");
    private static final LuaScript HEAD = LuaScript.fromResources("webhooks/head");
    private static final LuaScript DELIVERED = LuaScript.fromResources("webhooks/delivered");

    private final Redis redis;
    private final Predicate<String> posts;
    private final int most;
    private final ObjIntConsumer<String> dropped;
    /** Where the scan is: the cursor of its last step (one deliverer scans at a time). */
    private volatile ScanCursor lastStep;
    /** The lanes this node holds the lease of, to renew and let go of. */
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    /** The length of each held lane's outbox at its last head, for {@link #size}. */
    private final Map<String, Long> waiting = new ConcurrentHashMap<>();

    /**
     * The outbox of rooms on {@code redis}, for the webhook types {@code posts} accepts, each room's
     * holding at most {@code most}; {@code dropped} is told of a room's oldest dropped to make room.
     */
    RedisWebhookOutbox(Redis redis, Predicate<String> posts, int most, ObjIntConsumer<String> dropped) {
        this.redis = redis;
        this.posts = posts;
        this.most = most;
        this.dropped = dropped;
    }

    /** The last two arguments of a room script for an event of webhook type {@code type}: its webhook's new id ('' for none) and the most a room's outbox keeps. */
    String[] scriptArgs(String type) {
        return new String[] {posts.test(type) ? Webhook.newId() : "", Integer.toString(most)};
    }

    /** A room script's report: {@code count} of the room's oldest went to make room. */
    void dropped(String room, long count) {
        if (count > 0) {
            dropped.accept(room, (int) count);
        }
    }

    @Override
    public Pace pace() {
        return PACE;
    }

    /**
     * One step of the SCAN for rooms' outboxes; {@code limit} is left to {@link #SCAN_COUNT}. The
     * step goes on from the cursor the last one returned: on a Redis Cluster, Lettuce's cursor also
     * holds which master the scan is at (it steps through all of them), which its text does not.
     */
    @Override
    public CompletableFuture<Look> lanes(String from, int limit) {
        ScanCursor last = lastStep;
        ScanCursor cursor = !from.isEmpty() && last != null && from.equals(last.getCursor()) ? last : ScanCursor.INITIAL;
        return redis.call(redis.commands().scan(cursor, ScanArgs.Builder.matches(OUTBOXES).limit(SCAN_COUNT)))
                .thenApply(step -> {
                    lastStep = step;
                    return new Look(step.getKeys().stream().map(RedisWebhookOutbox::roomOf).toList(),
                            step.isFinished() ? "" : step.getCursor());
                });
    }

    private static String roomOf(String outbox) {
        return outbox.substring(outbox.indexOf('{') + 1, outbox.lastIndexOf('}'));
    }

    @Override
    public CompletableFuture<Void> add(Webhook webhook) {
        CompletableFuture<Long> added = redis.call(ADD.run(redis.commands(), ScriptOutputType.INTEGER,
                new String[] {RedisRooms.webhooks(webhook.room())}, webhook.id(), webhook.body(), Integer.toString(most)));
        return added.thenAccept(count -> dropped(webhook.room(), count));
    }

    @Override
    public CompletableFuture<Boolean> lease(String lane, String holder, long ms) {
        CompletableFuture<Long> taken = redis.call(LEASE.run(redis.commands(), ScriptOutputType.INTEGER,
                new String[] {RedisRooms.webhooks(lane) + LEASE_SUFFIX}, holder, Long.toString(ms)));
        return taken.thenApply(result -> {
            if (result == 1) {
                held.add(lane);
                return true;
            }
            forget(lane);
            return false;
        });
    }

    @Override
    public CompletableFuture<Void> renew(String holder, long ms) {
        return CompletableFuture.allOf(held.stream().map(lane -> lease(lane, holder, ms)).toArray(CompletableFuture[]::new));
    }

    @Override
    public CompletableFuture<Optional<Row>> head(String lane) {
        CompletableFuture<List<Object>> head = redis.call(HEAD.run(redis.commands(), ScriptOutputType.MULTI,
                new String[] {RedisRooms.webhooks(lane), RedisRooms.webhooks(lane) + ATTEMPTS_SUFFIX}));
        return head.thenApply(reply -> {
            if (reply.isEmpty()) {
                waiting.remove(lane);
                return Optional.empty();
            }
            waiting.put(lane, (Long) reply.get(3));
            return Optional.of(row((String) reply.get(0), (List<?>) reply.get(1), (Long) reply.get(2)));
        });
    }

    /** The entry {@code place} with {@code fields}: a body kept as it is, or made of the room event kept. */
    private static Row row(String place, List<?> fields, long attempts) {
        String id = null;
        String body = null;
        String event = null;
        for (int i = 0; i + 1 < fields.size(); i += 2) {
            String value = (String) fields.get(i + 1);
            switch ((String) fields.get(i)) {
                case "id" -> id = value;
                case "body" -> body = value;
                case "event" -> event = value;
                default -> {
                }
            }
        }
        if (body == null) {
            body = Webhook.of(id, roomEvent(event)).body();
        }
        long madeMs = Long.parseLong(place.substring(0, place.indexOf('-')));
        return new Row(place, id, body, (int) attempts, madeMs);
    }

    private static ServerEvent.RoomEvent roomEvent(String json) {
        try {
            return (ServerEvent.RoomEvent) ParleyJson.mapper().readValue(json, ServerEvent.class);
        } catch (IOException e) {
            throw new UncheckedIOException("an unreadable room event in a webhook outbox: " + json, e);
        }
    }

    @Override
    public CompletableFuture<Boolean> release(String lane, String holder) {
        return letGo(lane, holder, false);
    }

    @Override
    public CompletableFuture<Void> releaseAll(String holder) {
        return CompletableFuture.allOf(held.stream().map(lane -> letGo(lane, holder, true)).toArray(CompletableFuture[]::new));
    }

    private CompletableFuture<Boolean> letGo(String lane, String holder, boolean whateverWaits) {
        CompletableFuture<Long> released = redis.call(RELEASE.run(redis.commands(), ScriptOutputType.INTEGER,
                new String[] {RedisRooms.webhooks(lane) + LEASE_SUFFIX, RedisRooms.webhooks(lane)}, holder,
                whateverWaits ? "1" : "0"));
        return released.thenApply(result -> {
            if (result == 1) {
                forget(lane);
            }
            return result == 1;
        });
    }

    private void forget(String lane) {
        held.remove(lane);
        waiting.remove(lane);
    }

    @Override
    public CompletableFuture<Void> delivered(String lane, Row row) {
        return redis.call(DELIVERED.run(redis.commands(), ScriptOutputType.INTEGER,
                new String[] {RedisRooms.webhooks(lane), RedisRooms.webhooks(lane) + ATTEMPTS_SUFFIX}, row.place()))
                .thenApply(done -> null);
    }

    @Override
    public CompletableFuture<Void> failed(String lane, Row row) {
        return redis.call(redis.commands().hincrby(RedisRooms.webhooks(lane) + ATTEMPTS_SUFFIX, row.place(), 1))
                .thenApply(count -> null);
    }

    /** The webhooks waiting in the rooms this node delivers (a count of every room would scan them all). */
    @Override
    public CompletableFuture<Long> size() {
        return CompletableFuture.completedFuture(waiting.values().stream().mapToLong(Long::longValue).sum());
    }
}
