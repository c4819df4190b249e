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
import dev.parley.protocol.StreamPosition;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The listener of one chat session: checks its room's deliveries with a {@link DeliveryTracker},
 * records each delivery's latency, and counts acks, error replies and closes it did not ask for.
 * Confined to the session's event loop, except {@link #drained()}, which the orchestrating thread
 * polls while draining.
 *
 * <p>Across a reconnect the check carries on: the resumed session re-joins with {@code since} (the
 * epoch and the last offset received), the recovered messages go through the same tracker (so one
 * that had arrived already counts as duplicated, never as delivered twice), and when the server
 * answers {@code recovered:false} the messages it could not give back are counted apart as not
 * recovered. Its own sends that were unanswered when the connection was lost count as unconfirmed.
 */
final class Receiver implements SessionListener {
    /** The id of the join request; a string, so it is not mistaken for a {@link LoadSession#request} reply. */
    private static final RequestId JOIN_ID = RequestId.of("join");
    /** The id of a storm's commands: a string, so their acks are counted but not measured. */
    private static final RequestId STORM_ID = RequestId.of("storm");
    private static final String STORM_EMOJI = "\ud83d\udc4d";
    private static final String STORM_TEXT = "storm";

    private final LiveStats stats;
    private final CompletableFuture<Long> joinReply = new CompletableFuture<>();
    private volatile RoomState room;
    private DeliveryTracker tracker;
    private String epoch;
    /** The re-join of a resumed session, while it waits for {@code joined}. */
    private CompletableFuture<Void> rejoin;
    /** Own sends not yet answered on the current connection. */
    private long unanswered;
    private long notRecoveredJoins;
    private volatile long reached = -1;
    private volatile boolean leftEarly;
    /** The latest message received in the room: what a storm reacts to. */
    private long latestMessage;
    /** The message this member's storm reaction is on or off, and whether it is on now. */
    private long reactionTarget;
    private boolean reacting;

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

    /**
     * Writes one message intended at {@code intendedNanos} to the room (without flushing); on the
     * event loop. Its request id is that time, so its {@code ack} says how long it took.
     */
    void send(LoadSession session, long intendedNanos, String text) {
        session.send(new Command.Send(RequestId.of(intendedNanos), room.name(), text, null));
        unanswered++;
        stats.sent();
    }

    /**
     * Writes one command of a {@link Storm} (without flushing); on the event loop. A reaction puts
     * this member's emoji on the latest message it received ({@code seed} before any) or takes it
     * off, in turn, so that each changes something; a message is a short text the latencies do not
     * count. Reactions react to recent messages because a bounded history soon forgets old ones:
     * the storm's own events push them out.
     */
    void storm(LoadSession session, Storm.Kind kind, long seed) {
        if (kind == Storm.Kind.REACTIONS) {
            long target = Math.max(seed, latestMessage);
            reacting = target != reactionTarget || !reacting;
            reactionTarget = target;
            session.send(new Command.React(STORM_ID, room.name(), target, STORM_EMOJI, reacting));
        } else {
            session.send(new Command.Send(STORM_ID, room.name(), STORM_TEXT, null));
        }
        unanswered++;
        stats.sent();
    }

    private void joined(ServerEvent.Joined joined) {
        tracker = new DeliveryTracker(joined.offset());
        epoch = joined.epoch();
        reached = joined.offset();
        room.joined();
        room.reached(joined.offset());
        joinReply.complete(joined.offset());
    }

    private void rejoined(ServerEvent.Joined joined, long receivedNanos) {
        if (joined.recovered()) {
            joined.messages().forEach(event -> received(event, receivedNanos));
        } else {
            notRecoveredJoins++;
            tracker.skipTo(joined.offset());
            epoch = joined.epoch();
        }
        reached = tracker.lastOffset();
        room.reached(joined.offset());
        CompletableFuture<Void> done = rejoin;
        rejoin = null;
        done.complete(null);
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
        if (event instanceof ServerEvent.RoomEvent roomEvent) {
            received(roomEvent, receivedNanos);
        } else if (event instanceof ServerEvent.Presence || event instanceof ServerEvent.Occupancy) {
            stats.announcement();
        } else if (event instanceof ServerEvent.Ack ack) {
            answered();
            if (ack.id() != null && ack.id().value() instanceof Long intended) {
                stats.acked(intended, receivedNanos);
            } else {
                stats.acked();
            }
            if (ack.offset() != null && room != null && room.name().equals(ack.room())) {
                room.reached(ack.offset());
            }
        } else if (event instanceof ServerEvent.Joined joined && JOIN_ID.equals(joined.id())) {
            if (rejoin != null) {
                rejoined(joined, receivedNanos);
            } else {
                joined(joined);
            }
        } else if (event instanceof ServerEvent.Error error && JOIN_ID.equals(error.id())) {
            SessionFailure failure = new SessionFailure("join error "
                    + (error.code() == null ? "unknown" : error.code().wireName()));
            if (rejoin != null) {
                stats.errors().add("re-" + failure.cause());
                rejoin.completeExceptionally(failure);
                rejoin = null;
            } else {
                joinReply.completeExceptionally(failure);
            }
        } else if (event instanceof ServerEvent.Error error) {
            answered();
            stats.rejected();
            if (STORM_ID.equals(error.id())) {
                return; // e.g. a reaction to a message just deleted from a bounded history: the storm's own affair
            }
            stats.errors().add("error reply: " + (error.code() == null ? "unknown" : error.code().wireName()));
        }
    }

    private void answered() {
        if (unanswered > 0) {
            unanswered--;
        }
    }

    /**
     * Checks a room event of any type against the room's offsets (a client tracks its position by
     * every room event); only the load's own messages carry a time to measure.
     */
    private void received(ServerEvent.RoomEvent event, long receivedNanos) {
        if (tracker == null || !room.name().equals(event.room())) {
            return;
        }
        DeliveryTracker.Verdict verdict = tracker.accept(event.offset());
        reached = tracker.lastOffset();
        if (event.offset() > room.finalOffset()) {
            // stored though not (yet) acknowledged, e.g. its ack was lost with a connection: owed to every member
            room.reached(event.offset());
        }
        if (verdict == DeliveryTracker.Verdict.DUPLICATE || !(event instanceof ServerEvent.Message message)) {
            return;
        }
        latestMessage = Math.max(latestMessage, message.offset());
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
    public void onDisconnected(LoadSession session, SessionClose close) {
        stats.unconfirmed(unanswered);
        unanswered = 0;
    }

    @Override
    public CompletionStage<?> onResumed(LoadSession session) {
        if (tracker == null || leftEarly) {
            return CompletableFuture.completedFuture(null);
        }
        stats.unconfirmed(unanswered);
        unanswered = 0;
        rejoin = new CompletableFuture<>();
        session.send(new Command.Join(JOIN_ID, room.name(), new StreamPosition(epoch, tracker.lastOffset())));
        session.flush();
        return rejoin;
    }

    @Override
    public void onClosed(LoadSession session, SessionClose close) {
        joinReply.completeExceptionally(new SessionFailure("closed " + close.code() + " before joined"));
        stats.unconfirmed(unanswered);
        unanswered = 0;
        if (!close.requested()) {
            stats.errors().add("closed by server: " + close.code()
                    + (close.reason().isEmpty() ? "" : " (" + close.reason() + ")"));
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

    /** Deliveries lost, duplicated, reordered and not recovered so far; on the event loop, after the run drained. */
    Faults faults() {
        if (tracker == null) {
            return Faults.NONE;
        }
        long end = leftEarly ? tracker.lastOffset() : room.finalOffset();
        return new Faults(tracker.owed(end), tracker.lost(end), tracker.duplicated(), tracker.reordered(),
                tracker.notRecovered(), notRecoveredJoins);
    }
}
