package dev.parley.server.store;

import dev.parley.protocol.ServerEvent;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The direct messages one session took in chunks of its stored messages, so that their live copies
 * do not reach it too: by conversation, the seqs as ranges (first to last), since a chunk's
 * messages of one conversation mostly follow each other. Not thread-safe: its owner's monitor
 * guards it.
 */
final class TakenSeqs {
    /** By conversation, each range's first seq to its last. */
    private final Map<String, TreeMap<Long, Long>> ranges = new HashMap<>();

    void add(ServerEvent.Dm dm) {
        TreeMap<Long, Long> taken = ranges.computeIfAbsent(DirectMessages.conversation(dm.from(), dm.to()),
                conversation -> new TreeMap<>());
        long seq = dm.seq();
        Map.Entry<Long, Long> below = taken.floorEntry(seq);
        if (below != null && below.getValue() >= seq) {
            return;
        }
        long first = below != null && below.getValue() == seq - 1 ? below.getKey() : seq;
        Long nextLast = taken.remove(seq + 1);
        taken.put(first, nextLast == null ? seq : nextLast);
    }

    boolean contains(ServerEvent.Dm dm) {
        TreeMap<Long, Long> taken = ranges.get(DirectMessages.conversation(dm.from(), dm.to()));
        if (taken == null) {
            return false;
        }
        Map.Entry<Long, Long> below = taken.floorEntry(dm.seq());
        return below != null && below.getValue() >= dm.seq();
    }
}
