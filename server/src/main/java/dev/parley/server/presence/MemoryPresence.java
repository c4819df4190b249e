package dev.parley.server.presence;

import dev.parley.protocol.Names;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** The single-node {@link Presence}: concurrent maps, read and updated atomically per nick and per room. */
public final class MemoryPresence implements Presence {
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final Map<String, NickOwner> owners = new ConcurrentHashMap<>();
    /** Each room's members in nick order; a set is read and changed only inside its map entry's compute. */
    private final Map<String, NavigableSet<String>> members = new ConcurrentHashMap<>();

    @Override
    public CompletableFuture<NickClaim> claim(String nick, NickOwner claimant, String presentedResume) {
        AtomicReference<NickClaim> outcome = new AtomicReference<>(NickClaim.GRANTED);
        owners.compute(Names.nickKey(nick), (key, holder) -> {
            if (holder == null) {
                return claimant;
            }
            if (presentedResume != null && sameSecret(holder.resumeSecret(), presentedResume)) {
                outcome.set(NickClaim.replacing(holder.sessionId()));
                return claimant;
            }
            outcome.set(NickClaim.TAKEN);
            return holder;
        });
        return CompletableFuture.completedFuture(outcome.get());
    }

    private static boolean sameSecret(String expected, String presented) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public CompletableFuture<Void> release(String nick, String sessionId) {
        owners.computeIfPresent(Names.nickKey(nick), (key, holder) -> holder.sessionId().equals(sessionId) ? null : holder);
        return DONE;
    }

    @Override
    public CompletableFuture<RoomChange> join(String room, String nick) {
        AtomicReference<RoomChange> change = new AtomicReference<>();
        members.compute(room, (name, set) -> {
            NavigableSet<String> updated = set == null ? new TreeSet<>() : set;
            change.set(new RoomChange(updated.add(nick), updated.size()));
            return updated;
        });
        return CompletableFuture.completedFuture(change.get());
    }

    @Override
    public CompletableFuture<RoomChange> leave(String room, String nick) {
        AtomicReference<RoomChange> change = new AtomicReference<>(new RoomChange(false, 0));
        members.computeIfPresent(room, (name, set) -> {
            change.set(new RoomChange(set.remove(nick), set.size()));
            return set.isEmpty() ? null : set;
        });
        return CompletableFuture.completedFuture(change.get());
    }

    @Override
    public CompletableFuture<List<String>> members(String room, String after, int limit) {
        List<String> page = new ArrayList<>();
        members.computeIfPresent(room, (name, set) -> {
            for (String nick : after == null ? set : set.tailSet(after, false)) {
                if (page.size() == limit) {
                    break;
                }
                page.add(nick);
            }
            return set;
        });
        return CompletableFuture.completedFuture(Collections.unmodifiableList(page));
    }

    @Override
    public CompletableFuture<Integer> count(String room) {
        AtomicInteger count = new AtomicInteger();
        members.computeIfPresent(room, (name, set) -> {
            count.set(set.size());
            return set;
        });
        return CompletableFuture.completedFuture(count.get());
    }

    @Override
    public CompletableFuture<Map<String, Integer>> rooms() {
        Map<String, Integer> counts = new HashMap<>();
        members.keySet().forEach(room -> count(room).thenAccept(count -> {
            if (count > 0) {
                counts.put(room, count);
            }
        }));
        return CompletableFuture.completedFuture(counts);
    }

    @Override
    public void close() {
        owners.clear();
        members.clear();
    }
}
