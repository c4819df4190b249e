package dev.parley.loadtest.run;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Errors of one run counted by kind ("connect: refused", "error reply: rate_limited", ...). Thread-safe. */
public final class ErrorCounts {
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final LongAdder total = new LongAdder();

    public void add(String kind) {
        add(kind, 1);
    }

    public void add(String kind, long n) {
        if (n <= 0) {
            return;
        }
        counts.computeIfAbsent(kind, k -> new LongAdder()).add(n);
        total.add(n);
    }

    public long total() {
        return total.sum();
    }

    /** The counts so far, sorted by kind. */
    public Map<String, Long> snapshot() {
        Map<String, Long> copy = new TreeMap<>();
        counts.forEach((kind, n) -> copy.put(kind, n.sum()));
        return copy;
    }
}
