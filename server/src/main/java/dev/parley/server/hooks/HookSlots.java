package dev.parley.server.hooks;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The bound on a {@link HookClient}'s requests in flight and, in front of it, a bounded line of
 * requests that wait for a slot: a burst past the bound (a cold server, connections still opening)
 * waits instead of being refused; a full line refuses. A freed slot goes to the newest waiting
 * request, and those still waiting past their start-by time are expired: under a lasting overload a
 * first-come line would send only requests that waited most of their timeout, which then time out
 * in flight (each closing its connection) and keep the overload going, where the newest has its
 * whole timeout left. The order of a hook's requests is kept by their callers, not here.
 */
final class HookSlots {
    /** A request's place: its start runs once it has a slot in flight. */
    static final class Slot {
        private final Runnable start;
        private final Runnable expire;
        private final long startByNanos;
        /** Whether it holds a slot in flight (else it waits, or is done). Guarded by the {@link HookSlots}. */
        private boolean holding;

        /** {@code start} once it has a slot by {@code startByNanos} ({@link System#nanoTime}); else {@code expire}. */
        Slot(Runnable start, Runnable expire, long startByNanos) {
            this.start = start;
            this.expire = expire;
            this.startByNanos = startByNanos;
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

    /** {@code slot}'s request is done (answered, failed or timed out): its slot goes to the newest in line, or its place in line is given up. */
    void leave(Slot slot) {
        Slot next;
        List<Slot> expired = new ArrayList<>(0);
        synchronized (this) {
            if (!slot.holding) {
                waiting.remove(slot);
                return;
            }
            slot.holding = false;
            long now = System.nanoTime();
            while (!waiting.isEmpty() && now - waiting.peekFirst().startByNanos > 0) {
                expired.add(waiting.pollFirst());
            }
            next = waiting.pollLast();
            if (next == null) {
                inFlight--;
            } else {
                next.holding = true;
            }
        }
        expired.forEach(late -> late.expire.run());
        if (next != null) {
            next.start.run();
        }
    }

    synchronized int inFlight() {
        return inFlight;
    }

    synchronized int waiting() {
        return waiting.size();
    }
}
