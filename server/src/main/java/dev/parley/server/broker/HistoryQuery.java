package dev.parley.server.broker;

/**
 * Which part of a room's history to read: the {@code limit} latest below {@code before}, or the
 * {@code limit} right after {@code after}; the latest when both are null. Either way the slice is
 * oldest first. With {@code allEvents} it is the room's log, every room event as it was sent (a
 * deleted message's text, and its edits', gone); otherwise the messages alone, each with its
 * current state.
 */
public record HistoryQuery(Long before, Long after, int limit, boolean allEvents) {
    public HistoryQuery {
        if (before != null && after != null) {
            throw new IllegalArgumentException("both before and after");
        }
        if (limit < 0) {
            throw new IllegalArgumentException("limit < 0");
        }
    }

    /** Messages with their state. */
    public HistoryQuery(Long before, Long after, int limit) {
        this(before, after, limit, false);
    }

    /** The {@code limit} latest messages below {@code before}. */
    public static HistoryQuery before(long before, int limit) {
        return new HistoryQuery(before, null, limit);
    }

    /** The {@code limit} messages right after {@code after}. */
    public static HistoryQuery after(long after, int limit) {
        return new HistoryQuery(null, after, limit);
    }

    /** The same part of the room's log. */
    public HistoryQuery ofAllEvents() {
        return new HistoryQuery(before, after, limit, true);
    }
}
