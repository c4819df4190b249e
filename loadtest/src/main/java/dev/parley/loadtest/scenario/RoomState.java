package dev.parley.loadtest.scenario;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One harness room: its name, how many harness sessions are members, and the highest offset the
 * server acknowledged in it or any member received — the offset every member must eventually have
 * received.
 */
final class RoomState {
    private final String name;
    private final AtomicInteger members = new AtomicInteger();
    private final AtomicLong finalOffset = new AtomicLong();

    RoomState(String name) {
        this.name = name;
    }

    String name() {
        return name;
    }

    int members() {
        return members.get();
    }

    void joined() {
        members.incrementAndGet();
    }

    void left() {
        members.decrementAndGet();
    }

    /** Notes an acknowledged or received offset (or the offset a member joined at). */
    void reached(long offset) {
        finalOffset.accumulateAndGet(offset, Math::max);
    }

    long finalOffset() {
        return finalOffset.get();
    }
}
