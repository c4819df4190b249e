package dev.parley.client.cli;

import dev.parley.client.ParleyClient;
import dev.parley.protocol.ServerEvent;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * How far the shell has shown each room and how far the server's read marker says it was read.
 * The shell counts a room read up to the latest room event it printed once the user answers the
 * prompt: {@link #markShown} moves the marker of every room where more was shown than is marked.
 * Only on servers that offer {@code "read"}. Any thread.
 */
final class ReadMarks {
    static final String FEATURE = "read";

    private final boolean offered;
    private final ConcurrentMap<String, Long> shown = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Long> marked = new ConcurrentHashMap<>();

    /** Starts from the markers the {@code welcome} lists. */
    ReadMarks(ServerEvent.Welcome welcome) {
        this.offered = welcome.features() != null && welcome.features().contains(FEATURE);
        if (welcome.unread() != null) {
            welcome.unread().forEach(r -> marked(r.room(), r.lastRead()));
        }
    }

    /** Whether the server keeps read state. */
    boolean offered() {
        return offered;
    }

    /** A room event of {@code room} at {@code offset} was printed. */
    void shown(String room, long offset) {
        shown.merge(room, offset, Math::max);
    }

    /** The marker of {@code room} is at {@code offset} (this session moved it, or another one did). */
    void marked(String room, long offset) {
        marked.merge(room, offset, Math::max);
    }

    /** {@code room} left: nothing more of it is shown. */
    void left(String room) {
        shown.remove(room);
    }

    /**
     * Moves the marker of every room shown further than it is marked; completes with those rooms
     * and their new markers (none when the server keeps no read state).
     */
    CompletableFuture<Map<String, Long>> markShown(ParleyClient client) {
        Map<String, Long> moves = new LinkedHashMap<>();
        if (offered) {
            shown.forEach((room, offset) -> {
                if (offset > marked.getOrDefault(room, 0L)) {
                    moves.put(room, offset);
                }
            });
        }
        List<CompletableFuture<ServerEvent.Ack>> acks = moves.entrySet().stream()
                .map(move -> client.markRead(move.getKey(), move.getValue())
                        .thenApply(ack -> {
                            marked(move.getKey(), move.getValue());
                            return ack;
                        }))
                .toList();
        return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).thenApply(done -> moves);
    }
}
