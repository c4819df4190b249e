package dev.parley.server.session;

import java.util.ArrayDeque;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;

/**
 * A room a session is in, and where its deliveries stand: the last offset sent, the replies about
 * the room still on their way, the deliveries held back behind them. {@link RoomOrder} keeps these;
 * see there for the rules. Event loop only.
 */
final class Membership {
    /** The hub's copy of the room's name, so that deliveries find it by identity. */
    final String room;
    long lastOffset;
    /** Replies about the room asked for so far; each one's number is the count when it was asked. */
    long repliesAsked;
    /** Every reply numbered up to this one has been sent (or has failed). */
    long repliesSettled;
    /**
     * Replies settled ahead of an earlier one still on its way, lowest first; null when none (nearly
     * always; refusals while a database commit is on its way settle thousands ahead).
     */
    PriorityQueue<Long> settledAhead;
    /** The room went on past what can be delivered; the session closes once its replies are out. */
    boolean lost;
    /** Deliveries held back, each retained until it is written or dropped; null when none. */
    ArrayDeque<RoomOrder.Held> held;
    /**
     * The last of the session's room actions for this room still waiting for the publish hook,
     * done once handed to the broker; null when none waits ({@link PublishTurns}).
     */
    CompletableFuture<Void> publishing;

    Membership(String room) {
        this.room = room;
    }
}
