package dev.parley.loadtest.run;

import java.util.HashSet;
import java.util.Set;

/**
 * Checks one receiver's deliveries in one room against the contract: offsets arrive gapless, in
 * order and once, starting after the offset the {@code joined} reply named. Confined to the
 * receiver's event loop; read only after the run has drained.
 *
 * <p>A gap puts the skipped offsets on a missing list. A missing offset that arrives later counts
 * as <em>reordered</em>; an offset seen before counts as <em>duplicated</em>; what is still missing
 * at the end, together with every offset after the last one received up to the room's final
 * offset, counts as <em>lost</em>. Offsets the server said it could not recover after a reconnect
 * ({@link #skipTo}) are neither owed nor lost: they count as <em>not recovered</em>.
 */
public final class DeliveryTracker {
    /** Gaps wider than this are counted, not listed, so a wild offset cannot exhaust memory. */
    static final long MAX_LISTED_GAP = 1 << 16;

    /** What one delivery was. */
    public enum Verdict { IN_ORDER, AFTER_GAP, LATE, DUPLICATE }

    private final long joinedOffset;
    private long next;
    private Set<Long> missing;
    private long unlisted;
    private long duplicated;
    private long reordered;
    private long notRecovered;

    /** A tracker for a receiver that joined when the room's latest offset was {@code joinedOffset}. */
    public DeliveryTracker(long joinedOffset) {
        this.joinedOffset = joinedOffset;
        this.next = joinedOffset + 1;
    }

    /** How many deliveries this receiver is owed when the room's final offset is {@code finalOffset}. */
    public long owed(long finalOffset) {
        return Math.max(0, finalOffset - joinedOffset - notRecovered);
    }

    /**
     * Goes on from {@code offset} (the room's latest, from a {@code joined} with
     * {@code recovered:false}): the offsets between the last one received and it are not recovered.
     */
    public void skipTo(long offset) {
        if (offset >= next) {
            notRecovered += offset - next + 1;
            next = offset + 1;
        }
    }

    public long notRecovered() {
        return notRecovered;
    }

    /** Takes one delivered offset. */
    public Verdict accept(long offset) {
        if (offset == next) {
            next++;
            return Verdict.IN_ORDER;
        }
        if (offset > next) {
            long gap = offset - next;
            if (gap > MAX_LISTED_GAP) {
                unlisted += gap;
            } else {
                if (missing == null) {
                    missing = new HashSet<>();
                }
                for (long o = next; o < offset; o++) {
                    missing.add(o);
                }
            }
            next = offset + 1;
            return Verdict.AFTER_GAP;
        }
        if (missing != null && missing.remove(offset)) {
            reordered++;
            return Verdict.LATE;
        }
        duplicated++;
        return Verdict.DUPLICATE;
    }

    /** The highest offset received so far in order or after a gap. */
    public long lastOffset() {
        return next - 1;
    }

    /** Whether every offset up to {@code finalOffset} has arrived or been given up as missing. */
    public boolean reached(long finalOffset) {
        return next - 1 >= finalOffset;
    }

    /** Offsets never received: still missing, plus those after the last one up to {@code finalOffset}. */
    public long lost(long finalOffset) {
        long listed = missing == null ? 0 : missing.size();
        return listed + unlisted + Math.max(0, finalOffset - (next - 1));
    }

    public long duplicated() {
        return duplicated;
    }

    public long reordered() {
        return reordered;
    }
}
