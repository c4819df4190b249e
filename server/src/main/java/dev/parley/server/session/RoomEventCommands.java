package dev.parley.server.session;

import dev.parley.protocol.Command;
import dev.parley.protocol.RequestId;
import dev.parley.protocol.ServerEvent;
import dev.parley.server.broker.RoomAction;

/**
 * {@code edit}, {@code delete} and {@code react}: room events about a message of a room the session
 * is in, rate-limited like {@code send}, and answered {@code unsupported} where the node's broker
 * does not offer them (its {@code welcome.features}). The broker checks the target and whose it is;
 * a token whose {@code mod} claim matches the room may delete anyone's message.
 */
final class RoomEventCommands {
    private RoomEventCommands() {
    }

    static void edit(Session session, Command.Edit edit) {
        if (!Checks.offered(session, edit.id(), RoomAction.EDIT)) {
            return;
        }
        Membership membership = admitted(session, edit.id(), edit.room());
        if (membership != null && Checks.validText(session, edit.id(), edit.text())) {
            publish(session, edit.id(), membership,
                    new RoomAction.Edit(edit.room(), session.nick(), edit.offset(), edit.text()));
        }
    }

    static void delete(Session session, Command.Delete delete) {
        if (!Checks.offered(session, delete.id(), RoomAction.DELETE)) {
            return;
        }
        Membership membership = admitted(session, delete.id(), delete.room());
        if (membership != null) {
            publish(session, delete.id(), membership, new RoomAction.Delete(delete.room(), session.nick(),
                    delete.offset(), session.grant().mayModerate(delete.room())));
        }
    }

    static void react(Session session, Command.React react) {
        if (!Checks.offered(session, react.id(), RoomAction.REACTIONS)) {
            return;
        }
        Membership membership = admitted(session, react.id(), react.room());
        if (membership != null) {
            publish(session, react.id(), membership,
                    new RoomAction.React(react.room(), session.nick(), react.offset(), react.emoji(), react.on()));
        }
    }

    /** The session's membership of {@code room} once the rate limit admits the command, or null after answering. */
    static Membership admitted(Session session, RequestId id, String room) {
        if (!session.rateLimit().admitted(id) || !Checks.validRoom(session, id, room)) {
            return null;
        }
        return Checks.membership(session, id, room);
    }

    /**
     * Publishes {@code action} (through the publish hook, when one is set, as {@link PublishTurns}
     * says); the room's deliveries wait behind the {@code ack}, which carries the room event's
     * offset, or none when the action changed nothing.
     */
    static void publish(Session session, RequestId id, Membership membership, RoomAction action) {
        String room = action.room();
        long reply = RoomOrder.expectReply(membership);
        Replies.whenDone(session, PublishTurns.publish(session, membership, action), id,
                () -> RoomOrder.settle(session, room, membership, reply),
                published -> {
                    Replies.send(session, published
                            .map(event -> new ServerEvent.Ack(id, room, event.offset(), event.ts()))
                            .orElseGet(() -> new ServerEvent.Ack(id, room, null, session.clock().getAsLong())));
                    RoomOrder.settle(session, room, membership, reply);
                });
    }
}
