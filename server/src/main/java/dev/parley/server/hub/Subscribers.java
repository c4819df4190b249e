package dev.parley.server.hub;

import dev.parley.server.codec.EncodedEvent;
import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * The local members of one room, grouped by the event loop that owns them. Fan-out queues one
 * task per loop and does so under this object's monitor, so every loop receives a room's events in
 * the order the room produced them; an inline write on the caller's loop could overtake tasks
 * other loops had already queued there.
 */
final class Subscribers {
    private static final Logger LOG = LoggerFactory.getLogger(Subscribers.class);

    /** The room's name: one string for all its local members to keep. */
    final String room;
    /** Copy-on-write, replaced under the monitor. */
    private Map<EventExecutor, Member[]> byLoop = Map.of();
    private int size;

    Subscribers(String room) {
        this.room = room;
    }

    synchronized void add(Member member) {
        Map<EventExecutor, Member[]> next = new HashMap<>(byLoop);
        Member[] group = next.getOrDefault(member.executor(), new Member[0]);
        if (Arrays.asList(group).contains(member)) {
            return;
        }
        Member[] grown = Arrays.copyOf(group, group.length + 1);
        grown[group.length] = member;
        next.put(member.executor(), grown);
        byLoop = next;
        size++;
    }

    /** Removes {@code member}; returns whether the room has no local member left. */
    synchronized boolean remove(Member member) {
        Member[] group = byLoop.get(member.executor());
        if (group != null && Arrays.asList(group).contains(member)) {
            Map<EventExecutor, Member[]> next = new HashMap<>(byLoop);
            Member[] shrunk = Arrays.stream(group).filter(m -> m != member).toArray(Member[]::new);
            if (shrunk.length == 0) {
                next.remove(member.executor());
            } else {
                next.put(member.executor(), shrunk);
            }
            byLoop = next;
            size--;
        }
        return size == 0;
    }

    /** Runs {@code task} on each member's event loop. */
    synchronized void forEachMember(Consumer<Member> task) {
        for (Map.Entry<EventExecutor, Member[]> entry : byLoop.entrySet()) {
            Member[] group = entry.getValue();
            try {
                entry.getKey().execute(() -> {
                    for (Member member : group) {
                        task.accept(member);
                    }
                });
            } catch (RejectedExecutionException shuttingDown) {
                LOG.debug("room task dropped: the server is stopping");
            }
        }
    }

    /**
     * Queues {@code event} for every member but those whose nick is {@code skipNick}; returns
     * how many it was queued for. {@code event} is borrowed: each loop gets its own duplicate.
     */
    synchronized int fanOut(String room, long offset, String skipNick, EncodedEvent event) {
        int recipients = 0;
        for (Map.Entry<EventExecutor, Member[]> entry : byLoop.entrySet()) {
            Member[] group = entry.getValue();
            EncodedEvent shared = event.retainedDuplicate();
            try {
                entry.getKey().execute(() -> deliverAll(group, room, offset, skipNick, shared));
                recipients += group.length;
            } catch (RejectedExecutionException shuttingDown) {
                shared.release();
            }
        }
        return recipients;
    }

    /**
     * Queues {@code shared} for {@code member}, and its flush for later in this loop's turn. The
     * flush is queued first, so that it runs before anything the write itself queues, such as the
     * slow-consumer check.
     */
    static void deliver(Member member, String room, long offset, EncodedEvent shared) {
        try {
            FlushBatch.add(member);
            member.deliver(room, offset, shared);
        } catch (RuntimeException e) {
            LOG.warn("delivery to session {} failed", member.id(), e);
        }
    }

    private static void deliverAll(Member[] group, String room, long offset, String skipNick, EncodedEvent shared) {
        try {
            for (Member member : group) {
                if (skipNick == null || !skipNick.equals(member.nick())) {
                    deliver(member, room, offset, shared);
                }
            }
        } finally {
            shared.release();
        }
    }
}
