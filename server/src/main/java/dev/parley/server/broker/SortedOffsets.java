package dev.parley.server.broker;

import java.util.Arrays;

/**
 * A set of offsets kept sorted in one array, for counting those above a marker with one binary
 * search. Offsets mostly arrive as the largest and leave as the smallest (a room's window moves
 * on), so both ends are cheap: the array's live part is {@code [start, end)}, and taking the
 * smallest only moves {@code start}. An offset in the middle (an edit's new mention, a delete)
 * moves the elements after it. Not thread-safe: its {@link RoomLog}'s monitor guards it.
 */
final class SortedOffsets {
    private long[] values = new long[4];
    private int start;
    private int end;

    /** Adds {@code offset}; nothing when it is here already. */
    void add(long offset) {
        if (end > start && offset > values[end - 1]) {
            makeRoom();
            values[end++] = offset;
            return;
        }
        int at = Arrays.binarySearch(values, start, end, offset);
        if (at >= 0) {
            return;
        }
        makeRoom();
        int insertion = -at - 1;
        System.arraycopy(values, insertion, values, insertion + 1, end - insertion);
        values[insertion] = offset;
        end++;
    }

    /** Removes {@code offset}; nothing when it is not here. */
    void remove(long offset) {
        int at = Arrays.binarySearch(values, start, end, offset);
        if (at < 0) {
            return;
        }
        if (at == start) {
            start++;
        } else {
            System.arraycopy(values, at + 1, values, at, end - at - 1);
            end--;
        }
        if (start == end) {
            start = 0;
            end = 0;
        }
    }

    boolean isEmpty() {
        return start == end;
    }

    /** How many offsets are above {@code marker}. */
    int countAbove(long marker) {
        int at = Arrays.binarySearch(values, start, end, marker);
        int firstAbove = at >= 0 ? at + 1 : -at - 1;
        return end - firstAbove;
    }

    /** Makes sure one more offset fits after {@code end}: moves the live part to the front, or grows. */
    private void makeRoom() {
        if (end < values.length) {
            return;
        }
        int size = end - start;
        long[] target = size * 2 > values.length ? new long[values.length * 2] : values;
        System.arraycopy(values, start, target, 0, size);
        values = target;
        start = 0;
        end = size;
    }
}
