package dev.parley.server.session;

import dev.parley.protocol.ServerEvent;
import dev.parley.server.backend.UnavailableException;
import dev.parley.server.broker.RoomAction;
import dev.parley.server.node.PublishHook;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * How a session's room actions reach the broker through the publish hook, in the order the session
 * sent them: a {@code send} or {@code edit} asks the hook (all of them at once, whatever their
 * order), but each action of the room is handed to the broker only after the one before it, on the
 * session's loop, so that a second message whose answer came first still waits for the first.
 * The chain is a future in the room's {@link Membership}, made by the first action that waits and
 * dropped when the last is handed on; without a publish hook nothing is made. Stateless; event loop only.
 */
final class PublishTurns {
    private PublishTurns() {
    }

    /** Publishes {@code action} as the node does, after the publish hook and the session's earlier actions in the room. */
    static CompletableFuture<Optional<ServerEvent.RoomEvent>> publish(Session session, Membership membership,
                                                                     RoomAction action) {
        PublishHook hook = session.node().hooks().publishHook();
        CompletableFuture<RoomAction> verdict = hook == null || !PublishHook.asks(action) ? null : hook.approve(action);
        CompletableFuture<Void> before = membership.publishing;
        if (verdict == null && before == null) {
            return session.node().publish(action);
        }
        CompletableFuture<Void> turn = new CompletableFuture<>();
        membership.publishing = turn;
        CompletableFuture<?> ready = verdict == null ? before : before == null ? verdict : CompletableFuture.allOf(before, verdict);
        CompletableFuture<Optional<ServerEvent.RoomEvent>> result = new CompletableFuture<>();
        ready.whenComplete((done, failure) -> session.executor().execute(() -> {
            try {
                handOn(session, action, verdict, result);
            } finally {
                turn.complete(null);
                if (membership.publishing == turn) {
                    membership.publishing = null;
                }
            }
        }));
        return result;
    }

    private static void handOn(Session session, RoomAction action, CompletableFuture<RoomAction> verdict,
                               CompletableFuture<Optional<ServerEvent.RoomEvent>> result) {
        if (verdict != null && verdict.isCompletedExceptionally()) {
            verdict.whenComplete((text, failure) -> result.completeExceptionally(failure));
            return;
        }
        if (session.hasEnded()) {
            result.completeExceptionally(new UnavailableException("the session ended before its message was published", null));
            return;
        }
        RoomAction approved = verdict == null ? action : verdict.join();
        session.node().publish(approved).whenComplete((event, failure) -> {
            if (failure == null) {
                result.complete(event);
            } else {
                result.completeExceptionally(failure);
            }
        });
    }
}
