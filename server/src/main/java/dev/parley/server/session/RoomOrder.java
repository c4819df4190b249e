package dev.parley.server.session;

import dev.parley.protocol.CloseCode;
import dev.parley.server.codec.EncodedEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The order of a session's replies and deliveries, room by room. While a reply about a room is on
 * its way ({@code joined}, {@code ack}), the room's deliveries are held back, so that they follow
 * the reply they come after; once no reply is pending they go out, but for those the replies
 * already covered (a delivery's offset at or below the last one sent is dropped). A room that lost
 * track of its messages closes the session with 1012 once its replies are out.
 *
 * <p>What is held is bounded by the session's outbound limit: a session that has more bytes held
 * back than a slow consumer may have unsent is closed with 4001, as a slow consumer is, and its
 * held deliveries are released. Every held event is released exactly once: when written, when
 * dropped, or when the room is {@linkplain #drop dropped}.
 *
 * <p>Event loop only.
 */
final class RoomOrder {
    private static final Logger LOG = LoggerFactory.getLogger(RoomOrder.class);

    /** A delivery held back, with its own reference to the event. */
    record Held(long offset, EncodedEvent event) {
    }

    private final Transport transport;
    private final Memberships rooms;
    private final long maxHeldBytes;
    private final Object session;
    /** The frame bytes held back in all rooms. */
    private long heldBytes;

    /**
     * @param rooms        the session's rooms: a reply about a room the session has left since releases nothing
     * @param maxHeldBytes held bytes past which the session is closed with 4001
     * @param session      names the session in the log
     */
    RoomOrder(Transport transport, Memberships rooms, long maxHeldBytes, Object session) {
        this.transport = transport;
        this.rooms = rooms;
        this.maxHeldBytes = maxHeldBytes;
        this.session = session;
    }

    /** A reply about {@code membership}'s room is on its way: hold the room's deliveries until it is {@linkplain #settle settled}. */
    void expectReply(Membership membership) {
        membership.pendingReplies++;
    }

    /** A reply has sent the room's messages up to {@code offset}: later deliveries of those are dropped. */
    void covered(Membership membership, long offset) {
        membership.lastOffset = Math.max(membership.lastOffset, offset);
    }

    /**
     * Writes {@code event} of the room at {@code offset} (0 for events outside its history), holds
     * it back behind a pending reply, or drops it when an earlier write covered it. {@code event}
     * is borrowed.
     */
    void deliver(Membership membership, long offset, EncodedEvent event) {
        if (offset > 0 && offset <= membership.lastOffset) {
            return;
        }
        if (membership.pendingReplies > 0) {
            hold(membership, offset, event);
            return;
        }
        if (offset > 0) {
            membership.lastOffset = offset;
        }
        transport.write(event);
    }

    private void hold(Membership membership, long offset, EncodedEvent event) {
        int bytes = event.frame().readableBytes();
        if (heldBytes + bytes > maxHeldBytes) {
            LOG.debug("{}: more than {} bytes held back behind replies; closing as a slow consumer", session, maxHeldBytes);
            transport.close(CloseCode.SLOW_CONSUMER);
            return;
        }
        if (membership.held == null) {
            membership.held = new ArrayList<>();
        }
        membership.held.add(new Held(offset, event.retainedDuplicate()));
        heldBytes += bytes;
    }

    /**
     * A reply about {@code room} has been sent (or has failed): once none is pending, the
     * deliveries held back behind them go out, but for those the replies already covered.
     */
    void settle(String room, Membership membership) {
        if (--membership.pendingReplies > 0 || rooms.get(room) != membership) {
            return;
        }
        if (membership.lost) {
            drop(membership);
            closeToRecover(room);
            return;
        }
        List<Held> held = take(membership);
        if (held == null) {
            return;
        }
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

    /**
     * The room's messages went on past what can be delivered in order: close with 1012, so that
     * the client reconnects and re-joins with {@code since}; replies on their way go out first,
     * held-back deliveries not.
     */
    void lostTrack(String room, Membership membership) {
        if (membership.pendingReplies > 0) {
            membership.lost = true;
        } else {
            closeToRecover(room);
        }
    }

    private void closeToRecover(String room) {
        LOG.info("{}: room '{}' lost messages it cannot deliver in order; closing so that the client recovers", session, room);
        transport.close(CloseCode.SERVICE_RESTART);
    }

    /** Releases what is held for the room without writing it: the session left it or ended. */
    void drop(Membership membership) {
        List<Held> held = take(membership);
        if (held != null) {
            held.forEach(h -> h.event().release());
        }
    }

    /** Bytes held back in all rooms, for tests. */
    long heldBytes() {
        return heldBytes;
    }

    private List<Held> take(Membership membership) {
        List<Held> held = membership.held;
        if (held != null) {
            membership.held = null;
            for (Held h : held) {
                heldBytes -= h.event().frame().readableBytes();
            }
        }
        return held;
    }
}
