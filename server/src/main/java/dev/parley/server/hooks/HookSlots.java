package dev.parley.server.hooks;

import java.util.ArrayDeque;

/**
 * The bound on a {@link HookClient}'s requests in flight and, in front of it, a bounded line of
 * requests that wait for a slot, in the order they came: a burst past the bound (a cold server,
 * connections still opening) waits its turn instead of being refused; only a full line refuses.
 */
final class HookSlots {
    /** A request's place: its start runs once it has a slot in flight. */
    static final class Slot {
        private final Runnable start;
        /** Whether it holds a slot in flight (else it waits, or is done). Guarded by the {@link HookSlots}. */
        private boolean holding;

        Slot(Runnable start) {
            this.start = start;
        }
    }

    private final int maxInFlight;
    private final int maxWaiting;
    /** Guarded by this. */
    private final ArrayDeque<Slot> waiting = new ArrayDeque<>();
    /** Guarded by this. */
    private int inFlight;

    HookSlots(int maxInFlight, int maxWaiting) {
        this.maxInFlight = maxInFlight;
        this.maxWaiting = maxWaiting;
    }

    /** Starts {@code slot} now or lines it up; false when the line is full (nothing started). */
    boolean admit(Slot slot) {
        synchronized (this) {
            if (inFlight >= maxInFlight) {
                if (waiting.size() >= maxWaiting) {
                    return false;
                }
                waiting.add(slot);
                return true;
            }
            inFlight++;
            slot.holding = true;
        }
        slot.start.run();
        return true;
    }

    /** {@code slot}'s request is done (answered, failed or timed out): its slot goes to the first in line, or its place in line is given up. */
    void leave(Slot slot) {
        Slot next;
        synchronized (this) {
            if (!slot.holding) {
                waiting.remove(slot);
                return;
            }
            slot.holding = false;
            next = waiting.poll();
            if (next == null) {
                inFlight--;
                return;
            }
            next.holding = true;
        }
        next.start.run();
    }

    synchronized int inFlight() {
        return inFlight;
    }

    synchronized int waiting() {
        return waiting.size();
    }
}
