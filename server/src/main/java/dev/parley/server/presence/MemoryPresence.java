package dev.parley.server.presence;

import dev.parley.protocol.Names;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** The single-node {@link Presence}: concurrent maps, read and updated atomically per nick and per room. */
public final class MemoryPresence implements Presence {
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    /** The sessions holding a nick, all under one spelling; their resume secrets by session id. */
    private record Holders(String nick, Map<String, String> secrets) {
    }

    /** Holders by nick key; a value is replaced, never changed, inside its map entry's compute. */
    private final Map<String, Holders> owners = new ConcurrentHashMap<>();
    /**
     * Each room's members in nick order with their sessions there (immutable sets, replaced on a change: a nick
     * has one session nearly always, and {@code Set.of} holds it in 24 B where a {@code HashSet} took 120); read
     * and changed only inside its entry's compute.
     */
    private final Map<String, NavigableMap<String, Set<String>>> members = new ConcurrentHashMap<>();

    @Override
    public CompletableFuture<NickClaim> claim(String nick, NickOwner claimant, String presentedResume, int maxSessions) {
        AtomicReference<NickClaim> outcome = new AtomicReference<>(NickClaim.GRANTED);
        owners.compute(Names.nickKey(nick), (key, holders) -> {
            Map<String, String> secrets = holders == null ? new HashMap<>() : new HashMap<>(holders.secrets());
            String resumed = presentedResume == null ? null : secrets.entrySet().stream()
                    .filter(holder -> sameSecret(holder.getValue(), presentedResume))
                    .map(Map.Entry::getKey).findFirst().orElse(null);
            if (resumed != null) {
                secrets.remove(resumed);
                outcome.set(NickClaim.replacing(resumed));
            } else if (holders != null && !holders.nick().equals(nick)) {
                outcome.set(NickClaim.TAKEN);
                return holders;
            } else if (secrets.size() >= maxSessions) {
                outcome.set(NickClaim.FULL);
                return holders;
            }
            secrets.put(claimant.sessionId(), claimant.resumeSecret());
            return new Holders(secrets.size() == 1 || holders == null ? nick : holders.nick(), Map.copyOf(secrets));
        });
        return CompletableFuture.completedFuture(outcome.get());
    }

    private static boolean sameSecret(String expected, String presented) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public CompletableFuture<Void> release(String nick, String sessionId) {
        owners.computeIfPresent(Names.nickKey(nick), (key, holders) -> {
            if (!holders.secrets().containsKey(sessionId)) {
                return holders;
            }
            Map<String, String> secrets = new HashMap<>(holders.secrets());
            secrets.remove(sessionId);
            return secrets.isEmpty() ? null : new Holders(holders.nick(), Map.copyOf(secrets));
        });
        return DONE;
    }

    @Override
    public CompletableFuture<RoomChange> join(String room, String nick, String sessionId) {
        AtomicReference<RoomChange> change = new AtomicReference<>();
        members.compute(room, (name, users) -> {
            NavigableMap<String, Set<String>> updated = users == null ? new TreeMap<>() : users;
            Set<String> sessions = updated.get(nick);
            if (sessions == null) {
                updated.put(nick, Set.of(sessionId));
                change.set(new RoomChange(true, updated.size()));
            } else {
                if (!sessions.contains(sessionId)) {
                    updated.put(nick, with(sessions, sessionId));
                }
                change.set(new RoomChange(false, updated.size()));
            }
            return updated;
        });
        return CompletableFuture.completedFuture(change.get());
    }

    @Override
    public CompletableFuture<RoomChange> leave(String room, String nick, String sessionId) {
        AtomicReference<RoomChange> change = new AtomicReference<>(new RoomChange(false, 0));
        members.computeIfPresent(room, (name, users) -> {
            Set<String> sessions = users.get(nick);
            boolean lastLeft = false;
            if (sessions != null && sessions.contains(sessionId)) {
                lastLeft = sessions.size() == 1;
                if (lastLeft) {
                    users.remove(nick);
                } else {
                    users.put(nick, without(sessions, sessionId));
                }
            }
            change.set(new RoomChange(lastLeft, users.size()));
            return users.isEmpty() ? null : users;
        });
        return CompletableFuture.completedFuture(change.get());
    }

    @Override
    public CompletableFuture<List<String>> members(String room, String after, int limit) {
        List<String> page = new ArrayList<>();
        members.computeIfPresent(room, (name, users) -> {
            for (String nick : after == null ? users.keySet() : users.tailMap(after, false).keySet()) {
                if (page.size() == limit) {
                    break;
                }
                page.add(nick);
            }
            return users;
        });
        return CompletableFuture.completedFuture(Collections.unmodifiableList(page));
    }

    @Override
    public CompletableFuture<Integer> count(String room) {
        AtomicInteger count = new AtomicInteger();
        members.computeIfPresent(room, (name, users) -> {
            count.set(users.size());
            return users;
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

    private static Set<String> with(Set<String> sessions, String sessionId) {
        Set<String> more = new HashSet<>(sessions);
        more.add(sessionId);
        return Set.copyOf(more);
    }

    private static Set<String> without(Set<String> sessions, String sessionId) {
        Set<String> fewer = new HashSet<>(sessions);
        fewer.remove(sessionId);
        return Set.copyOf(fewer);
    }

    @Override
    public void close() {
        owners.clear();
        members.clear();
    }
}
