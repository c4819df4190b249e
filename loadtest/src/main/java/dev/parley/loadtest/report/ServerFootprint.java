package dev.parley.loadtest.report;

/**
 * What the server's memory grew by while it held {@code sessions} sessions; heap from its
 * {@code /metrics} (after a forced GC when {@code gcForced}), RSS from {@code /proc} when the
 * server's pid was given. Unknown figures are -1.
 */
public record ServerFootprint(long sessions, long heapBeforeBytes, long heapAfterBytes, long heapBytesPerSession,
                              long rssBeforeBytes, long rssAfterBytes, long rssBytesPerSession, boolean gcForced) {

    /** The footprint between two looks at a server that gained {@code sessions} sessions between them. */
    public static ServerFootprint between(long sessions, long heapBefore, long heapAfter, long rssBefore,
                                          long rssAfter, boolean gcForced) {
        return new ServerFootprint(sessions, heapBefore, heapAfter, perSession(heapBefore, heapAfter, sessions),
                rssBefore, rssAfter, perSession(rssBefore, rssAfter, sessions), gcForced);
    }

    private static long perSession(long before, long after, long sessions) {
        return before < 0 || after < 0 || sessions <= 0 ? -1 : Math.round((after - before) / (double) sessions);
    }
}
