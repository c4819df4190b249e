package dev.parley.server.presence;

import dev.parley.protocol.Names;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/** The single-node {@link Presence}: concurrent maps, updated atomically per nick and per room. */
public final class MemoryPresence implements Presence {
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final Map<String, NickOwner> owners = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> members = new ConcurrentHashMap<>();

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
    public CompletableFuture<List<String>> join(String room, String nick) {
        AtomicReference<List<String>> snapshot = new AtomicReference<>();
        members.compute(room, (name, set) -> {
            Set<String> updated = set == null ? ConcurrentHashMap.newKeySet() : set;
            updated.add(nick);
            snapshot.set(sorted(updated));
            return updated;
        });
        return CompletableFuture.completedFuture(snapshot.get());
    }

    @Override
    public CompletableFuture<Void> leave(String room, String nick) {
        members.computeIfPresent(room, (name, set) -> {
            set.remove(nick);
            return set.isEmpty() ? null : set;
        });
        return DONE;
    }

    @Override
    public CompletableFuture<List<String>> members(String room) {
        Set<String> set = members.get(room);
        return CompletableFuture.completedFuture(set == null ? List.of() : sorted(set));
    }

    @Override
    public CompletableFuture<Map<String, Integer>> rooms() {
        Map<String, Integer> counts = new HashMap<>();
        members.forEach((room, set) -> counts.put(room, set.size()));
        return CompletableFuture.completedFuture(counts);
    }

    private static List<String> sorted(Set<String> nicks) {
        List<String> list = new ArrayList<>(nicks);
        Collections.sort(list);
        return Collections.unmodifiableList(list);
    }

    @Override
    public void close() {
        owners.clear();
        members.clear();
    }
}
