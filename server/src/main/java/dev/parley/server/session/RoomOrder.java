package dev.parley.server.session;

import dev.parley.protocol.CloseCode;
import dev.parley.server.codec.EncodedEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.PriorityQueue;

/**
 * The order of a session's replies and deliveries, room by room. While a reply about a room is on
 * its way ({@code joined}, {@code ack}), the room's deliveries are held back, so that they follow
 * the reply they come after; a delivery goes out once every reply asked for before it arrived has
 * been sent, but for those the replies already covered (a delivery's offset at or below the last
 * one sent is dropped). Replies asked for after a delivery arrived cannot come before it (their
 * events are later in the room), so a sender that always has a reply on its way (a client
 * pipelining sends) does not hold its rooms back for good: with a database, whose acks take a
 * commit, that held every delivery to a busy sender until it closed as a slow consumer. A room that lost
 * track of its messages closes the session with 1012 once its replies are out.
 *
 * <p>What is held is bounded by the session's outbound limit: a session that has more bytes held
 * back than a slow consumer may have unsent is closed with 4001, as a slow consumer is, and its
 * held deliveries are released. Every held event is released exactly once: when written, when
 * dropped, or when the room is {@linkplain #drop dropped}.
 *
 * <p>Stateless: what it keeps lives in the session's {@link Memberships} (the bytes held in all its
 * rooms) and in each {@link Membership}, so that a session that receives costs no object of its
 * own here. Event loop only.
 */
final class RoomOrder {
    private static final Logger LOG = LoggerFactory.getLogger(RoomOrder.class);

    /** A delivery held back, with its own reference to the event, until the replies numbered up to {@code after} are out. */
    record Held(long offset, EncodedEvent event, long after) {
    }

    private RoomOrder() {
    }

    /**
     * A reply about {@code membership}'s room is on its way: the room's deliveries from now on are
     * held until it is {@linkplain #settle settled}. Returns the reply's number, for {@link #settle}.
     */
    static long expectReply(Membership membership) {
        return ++membership.repliesAsked;
    }

    private static boolean repliesPending(Membership membership) {
        return membership.repliesSettled < membership.repliesAsked;
    }

    /** A reply has sent the room's messages up to {@code offset}: later deliveries of those are dropped. */
    static void covered(Membership membership, long offset) {
        membership.lastOffset = Math.max(membership.lastOffset, offset);
    }

    /**
     * Writes {@code event} of the room at {@code offset} (0 for events outside its history), holds
     * it back behind a pending reply, or drops it when an earlier write covered it. {@code event}
     * is borrowed. Runs for every delivery: allocates nothing unless it holds the event back.
     */
    static void deliver(Session session, Membership membership, long offset, EncodedEvent event) {
        if (offset > 0 && offset <= membership.lastOffset) {
            return;
        }
        if (repliesPending(membership)) {
            hold(session, membership, offset, event);
            return;
        }
        if (offset > 0) {
            membership.lastOffset = offset;
        }
        session.transport().write(event);
    }

    private static void hold(Session session, Membership membership, long offset, EncodedEvent event) {
        int bytes = event.frame().readableBytes();
        Memberships rooms = session.rooms();
        int maxHeldBytes = session.settings().maxHeldBytes();
        if ((long) rooms.heldBytes + bytes > maxHeldBytes) {
            LOG.debug("{}: more than {} bytes held back behind replies; closing as a slow consumer", session, maxHeldBytes);
            session.transport().close(CloseCode.SLOW_CONSUMER);
            return;
        }
        if (membership.held == null) {
            membership.held = new ArrayDeque<>();
        }
        membership.held.add(new Held(offset, event.retainedDuplicate(), membership.repliesAsked));
        rooms.heldBytes += bytes;
    }

    /**
     * Reply {@code reply} about {@code room} has been sent (or has failed): the deliveries held
     * behind it and the replies before it go out, but for those the replies already covered.
     */
    static void settle(Session session, String room, Membership membership, long reply) {
        settled(membership, reply);
        if (session.rooms().get(room) != membership) {
            return;
        }
        if (membership.lost) {
            if (!repliesPending(membership)) {
                drop(session, membership);
                closeToRecover(session, room);
            }
            return;
        }
        ArrayDeque<Held> held = take(session, membership, membership.repliesSettled);
        if (held == null) {
            return;
        }
        Transport transport = session.transport();
        try {
            for (Held h : held) {
                if (h.offset() == 0 || h.offset() > membership.lastOffset) {
                    if (h.offset() > 0) {
                        membership.lastOffset = h.offset();
                    }
                    transport.write(h.event());
                }
            }
        } finally {
            held.forEach(h -> h.event().release());
        }
        transport.flush();
    }

    /** Counts {@code reply} as settled: the replies settled in order move on past it and past those settled ahead. */
    private static void settled(Membership membership, long reply) {
        if (reply != membership.repliesSettled + 1) {
            if (membership.settledAhead == null) {
                membership.settledAhead = new PriorityQueue<>(2);
            }
            membership.settledAhead.add(reply);
            return;
        }
        membership.repliesSettled = reply;
        PriorityQueue<Long> ahead = membership.settledAhead;
        if (ahead == null) {
            return;
        }
        while (!ahead.isEmpty() && ahead.peek() == membership.repliesSettled + 1) {
            membership.repliesSettled = ahead.poll();
        }
        if (ahead.isEmpty()) {
            membership.settledAhead = null;
        }
    }

    /**
     * The room's messages went on past what can be delivered in order: close with 1012, so that
     * the client reconnects and re-joins with {@code since}; replies on their way go out first,
     * held-back deliveries not.
     */
    static void lostTrack(Session session, String room, Membership membership) {
        if (repliesPending(membership)) {
            membership.lost = true;
        } else {
            closeToRecover(session, room);
        }
    }

    private static void closeToRecover(Session session, String room) {
        LOG.info("{}: room '{}' lost messages it cannot deliver in order; closing so that the client recovers", session, room);
        session.transport().close(CloseCode.SERVICE_RESTART);
    }

    /** Releases what is held for the room without writing it: the session left it or ended. */
    static void drop(Session session, Membership membership) {
        ArrayDeque<Held> held = take(session, membership, Long.MAX_VALUE);
        if (held != null) {
            held.forEach(h -> h.event().release());
        }
    }

    /** Takes the held deliveries whose replies up to {@code settled} are out, the first ones; null when none. */
    private static ArrayDeque<Held> take(Session session, Membership membership, long settled) {
        ArrayDeque<Held> held = membership.held;
        if (held == null || held.peekFirst().after() > settled) {
            return null;
        }
        ArrayDeque<Held> taken;
        if (held.peekLast().after() <= settled) {
            taken = held;
            membership.held = null;
        } else {
            taken = new ArrayDeque<>();
            while (held.peekFirst().after() <= settled) {
                taken.addLast(held.pollFirst());
            }
        }
        for (Held h : taken) {
            session.rooms().heldBytes -= h.event().frame().readableBytes();
        }
        return taken;
    }
}
