package dev.parley.server.session;

import dev.parley.protocol.Command;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.Names;
import dev.parley.protocol.RequestId;
import dev.parley.protocol.ServerEvent;
import dev.parley.server.broker.RoomAction;

/** {@code send} and {@code dm}: messages, rate-limited; a {@code send} is published as {@link RoomEventCommands} does. */
final class MessageCommands {
    private MessageCommands() {
    }

    /** Publishes into a room the session is in; the room's deliveries wait behind the {@code ack}. */
    static void send(Session session, Command.Send send) {
        if (send.replyTo() != null && !Checks.offered(session, send.id(), RoomAction.REPLIES)) {
            return;
        }
        Membership membership = RoomEventCommands.admitted(session, send.id(), send.room());
        if (membership != null && Checks.validText(session, send.id(), send.text())) {
            RoomEventCommands.publish(session, send.id(), membership,
                    new RoomAction.Send(send.room(), session.nick(), send.text(), send.nonce(), send.replyTo()));
        }
    }

    static void direct(Session session, Command.SendDm dm) {
        if (!session.rateLimit().admitted(dm.id()) || !Checks.validText(session, dm.id(), dm.text())) {
            return;
        }
        if (!Names.isValidNick(dm.to())) {
            noSuchUser(session, dm.id(), dm.to());
            return;
        }
        Replies.whenDone(session, session.node().direct(session.nick(), dm.to(), dm.text()), dm.id(), ts -> {
            if (ts == null) {
                noSuchUser(session, dm.id(), dm.to());
            } else {
                Replies.send(session, new ServerEvent.Ack(dm.id(), null, null, ts));
            }
        });
    }

    private static void noSuchUser(Session session, RequestId id, String nick) {
        Replies.fail(session, id, ErrorCode.NO_SUCH_USER, "no user '" + nick + "' is online");
    }
}
