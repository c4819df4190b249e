package dev.parley.loadtest.scenario;

import dev.parley.loadtest.net.LoadSession;
import dev.parley.loadtest.net.SessionClose;
import dev.parley.loadtest.net.SessionFailure;
import dev.parley.loadtest.net.SessionListener;
import dev.parley.loadtest.run.DeliveryTracker;
import dev.parley.loadtest.run.LiveStats;
import dev.parley.loadtest.run.Payload;
import dev.parley.protocol.Command;
import dev.parley.protocol.RequestId;
import dev.parley.protocol.ServerEvent;

import java.util.concurrent.CompletableFuture;

/**
 * The listener of one chat session: checks its room's deliveries with a {@link DeliveryTracker},
 * records each delivery's latency, and counts acks, error replies and closes it did not ask for.
 * Confined to the session's event loop, except {@link #drained()}, which the orchestrating thread
 * polls while draining.
 */
final class Receiver implements SessionListener {
    /** The id of the join request; a string, so it is not mistaken for a {@link LoadSession#request} reply. */
    private static final RequestId JOIN_ID = RequestId.of("join");

    private final LiveStats stats;
    private final CompletableFuture<Long> joinReply = new CompletableFuture<>();
    private volatile RoomState room;
    private DeliveryTracker tracker;
    private volatile long reached = -1;
    private volatile boolean leftEarly;

    Receiver(LiveStats stats) {
        this.stats = stats;
    }

    /**
     * Joins {@code room}; completes with the offset the {@code joined} reply named. The reply is
     * handled in {@link #onEvent}, on the event loop, so checking starts with the very next frame.
     */
    CompletableFuture<Long> join(LoadSession session, RoomState room) {
        session.eventLoop().execute(() -> {
            this.room = room;
            session.send(new Command.Join(JOIN_ID, room.name(), null));
            session.flush();
        });
        return joinReply;
    }

    private void joined(long offset) {
        tracker = new DeliveryTracker(offset);
        reached = offset;
        room.joined();
        room.reached(offset);
        joinReply.complete(offset);
    }

    RoomState room() {
        return room;
    }

    /** Whether this receiver still owes nothing: it left, or it reached its room's final offset. */
    boolean drained() {
        return leftEarly || room == null || reached >= room.finalOffset();
    }

    @Override
    public void onEvent(LoadSession session, ServerEvent event, long receivedNanos) {
        stats.event();
        if (event instanceof ServerEvent.Message message) {
            received(message, receivedNanos);
        } else if (event instanceof ServerEvent.Presence || event instanceof ServerEvent.Occupancy) {
            stats.announcement();
        } else if (event instanceof ServerEvent.Ack ack) {
            stats.acked();
            if (ack.offset() != null && room != null && room.name().equals(ack.room())) {
                room.reached(ack.offset());
            }
        } else if (event instanceof ServerEvent.Joined joined && JOIN_ID.equals(joined.id())) {
            joined(joined.offset());
        } else if (event instanceof ServerEvent.Error error && JOIN_ID.equals(error.id())) {
            joinReply.completeExceptionally(new SessionFailure("join error "
                    + (error.code() == null ? "unknown" : error.code().wireName())));
        } else if (event instanceof ServerEvent.Error error) {
            stats.rejected();
            stats.errors().add("error reply: " + (error.code() == null ? "unknown" : error.code().wireName()));
        }
    }

    private void received(ServerEvent.Message message, long receivedNanos) {
        if (tracker == null || !room.name().equals(message.room())) {
            return;
        }
        DeliveryTracker.Verdict verdict = tracker.accept(message.offset());
        reached = tracker.lastOffset();
        if (verdict == DeliveryTracker.Verdict.DUPLICATE) {
            return;
        }
        long intended = Payload.intendedNanos(message.text());
        if (intended != Payload.NOT_OURS) {
            stats.delivered(intended, receivedNanos);
        }
    }

    @Override
    public void onUnreadable(LoadSession session, String problem) {
        stats.errors().add(problem);
    }

    @Override
    public void onClosed(LoadSession session, SessionClose close) {
        joinReply.completeExceptionally(new SessionFailure("closed " + close.code() + " before joined"));
        if (!close.requested()) {
            stats.errors().add("closed by server: " + close.code());
            leave();
        }
    }

    /**
     * This receiver stops being owed its room's later messages (it was closed by the server, or
     * a churn session is about to leave); on the event loop.
     */
    void leave() {
        if (room != null && !leftEarly) {
            leftEarly = true;
            room.left();
        }
    }

    /** Deliveries lost, duplicated and reordered so far; on the event loop, after the run drained. */
    Faults faults() {
        if (tracker == null) {
            return Faults.NONE;
        }
        long end = leftEarly ? tracker.lastOffset() : room.finalOffset();
        return new Faults(tracker.owed(end), tracker.lost(end), tracker.duplicated(), tracker.reordered());
    }
}
