package dev.parley.server.broker;

/**
 * Which part of a room's history to read: the {@code limit} latest messages below {@code before},
 * or the {@code limit} events right after {@code after}; the latest when both are null. Either way
 * the slice is oldest first.
 */
public record HistoryQuery(Long before, Long after, int limit) {
    public HistoryQuery {
        if (before != null && after != null) {
            throw new IllegalArgumentException("both before and after");
        }
        if (limit < 0) {
            throw new IllegalArgumentException("limit < 0");
        }
    }

    /** The {@code limit} latest messages below {@code before}. */
    public static HistoryQuery before(long before, int limit) {
        return new HistoryQuery(before, null, limit);
    }

    /** The {@code limit} messages right after {@code after}. */
    public static HistoryQuery after(long after, int limit) {
        return new HistoryQuery(null, after, limit);
    }
}
