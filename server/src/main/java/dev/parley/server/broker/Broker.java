package dev.parley.server.broker;

import dev.parley.protocol.ServerEvent;
import dev.parley.protocol.StreamPosition;
import dev.parley.server.store.DirectMessages;
import dev.parley.server.store.WebhookOutbox;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Where room traffic is ordered, kept and carried between nodes. Everything that crosses from one
 * session to another goes through here, so a clustered implementation replaces this interface
 * alone; {@link MemoryBroker} serves a single node.
 *
 * <p>How events reach members is its {@link LiveEvents} part. Guarantees: offsets of a room start
 * at 1 and grow by exactly 1 per room event (a message, edit, delete or reaction); the
 * {@link BrokerListener} of every node sees a room's room events, presence and typing events in
 * one order, room events in offset order. Methods never block; results
 * complete on any thread.
 */
public interface Broker extends LiveEvents, ReadState {

    /**
     * Gives the message the room's next offset, keeps it in history and delivers it. A
     * {@code nonce} (nullable) that {@code from} already used in {@code room} while that message is
     * still kept publishes nothing: the result is that first message, as it was published (same
     * offset and ts).
     */
    CompletableFuture<ServerEvent.Message> publish(String room, String from, String text, String nonce);

    /**
     * Whether {@code from} published a message in {@code room} with {@code nonce} that the room
     * still keeps the nonce of, so that a resend of it would publish nothing: asked before the
     * publish hook, which a resend of a stored message does not call again.
     */
    CompletableFuture<Boolean> sentWith(String room, String from, String nonce);

    /**
     * Publishes what {@code action} does as the room's next room event, kept and delivered like a
     * message, and completes with it as published (a {@link RoomAction.Send} with a repeated nonce:
     * the first message). Empty for a reaction that changes nothing (already on, or already off):
     * nothing is published. Fails with {@link RoomActionRefused} when the target is not a retained,
     * not deleted message ({@code not_found}), is not {@code from}'s to edit or delete
     * ({@code forbidden}), or would get a 21st different emoji ({@code bad_request}).
     *
     * <p>Brokers that keep no message state (see {@link #features()}) publish plain messages only
     * and fail the rest with {@link UnsupportedOperationException}.
     */
    default CompletableFuture<Optional<ServerEvent.RoomEvent>> publish(RoomAction action) {
        if (action instanceof RoomAction.Send send && send.replyTo() == null) {
            return publish(send.room(), send.from(), send.text(), send.nonce()).thenApply(Optional::of);
        }
        return CompletableFuture.failedFuture(new UnsupportedOperationException(action.getClass().getSimpleName()));
    }

    /** Where direct messages are stored (durable history with auth on); null where they are not. */
    default DirectMessages directMessages() {
        return null;
    }

    /**
     * Where webhooks wait for the backend when they are kept with the history (in the same
     * transaction as the room events); null where they are not.
     */
    default WebhookOutbox webhookOutbox() {
        return null;
    }

    /**
     * Where the room stands for a member who joins now: its epoch and latest offset, and either
     * every room event after {@code since} as sent ({@code recovered}, when there are at most
     * {@code recoverMax}) or the latest {@code latest} messages with their state, with
     * {@link Recovery#missed()} when more than {@code recoverMax} were missed in the same epoch.
     */
    CompletableFuture<Recovery> recover(String room, StreamPosition since, int latest, int recoverMax);

    /** Kept messages with their state, or room events as sent, as {@code query} says, oldest first. */
    CompletableFuture<HistorySlice> history(String room, HistoryQuery query);

    /**
     * Up to {@code limit} kept messages of {@code room} that match {@code query}, newest first,
     * below {@code before} when it is not null. Only for a broker whose {@link #features()} has
     * {@code "search"}; the others (memory and Redis keep too little to search) fail it with
     * {@link UnsupportedOperationException}.
     */
    default CompletableFuture<SearchPage> search(String room, String query, Long before, int limit) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("search"));
    }

    /**
     * What this broker adds to {@code welcome.features} (such as {@code "durable"}, {@code "search"},
     * and {@code "edit"}, {@code "delete"}, {@code "reactions"}, {@code "replies"} where it keeps
     * message state and publishes every {@link RoomAction}, {@value ReadState#FEATURE} where it keeps
     * {@link ReadState}).
     */
    default Set<String> features() {
        return Set.of();
    }

    /** Only for a broker whose {@link #features()} has {@value ReadState#FEATURE}. */
    @Override
    default CompletableFuture<OptionalLong> markRead(String user, String room, long offset) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException(ReadState.FEATURE));
    }

    /** Only for a broker whose {@link #features()} has {@value ReadState#FEATURE}. */
    @Override
    default CompletableFuture<List<ServerEvent.UnreadRoom>> unread(String user) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException(ReadState.FEATURE));
    }

    /** Only for a broker whose {@link #features()} has {@value ReadState#FEATURE}. */
    @Override
    default CompletableFuture<Void> forget(String user, String room) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException(ReadState.FEATURE));
    }

    /** The rooms that have history, with their latest offsets. */
    CompletableFuture<Map<String, Long>> roomsWithHistory();
}
