package dev.parley.server.session;

import dev.parley.protocol.Command;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.Names;
import dev.parley.protocol.RequestId;
import dev.parley.protocol.ServerEvent;

/** {@code send} and {@code dm}: messages, rate-limited. */
final class MessageCommands {
    private MessageCommands() {
    }

    /** Publishes into a room the session is in; the room's deliveries wait behind the {@code ack}. */
    static void send(CommandContext context, Command.Send send) {
        Checks checks = context.checks();
        if (!context.rateLimit().admitted(send.id()) || !checks.validRoom(send.id(), send.room())) {
            return;
        }
        Membership membership = checks.membership(send.id(), send.room());
        if (membership == null || !checks.validText(send.id(), send.text())) {
            return;
        }
        RoomOrder order = context.order();
        order.expectReply(membership);
        context.replies().whenDone(context.node().publish(context.session(), send.room(), send.text(), send.nonce()), send.id(),
                () -> order.settle(send.room(), membership), message -> {
                    context.replies().send(new ServerEvent.Ack(send.id(), send.room(), message.offset(), message.ts()));
                    order.settle(send.room(), membership);
                });
    }

    static void direct(CommandContext context, Command.SendDm dm) {
        if (!context.rateLimit().admitted(dm.id()) || !context.checks().validText(dm.id(), dm.text())) {
            return;
        }
        if (!Names.isValidNick(dm.to())) {
            noSuchUser(context, dm.id(), dm.to());
            return;
        }
        context.replies().whenDone(context.node().direct(context.session(), dm.to(), dm.text()), dm.id(), ts -> {
            if (ts == null) {
                noSuchUser(context, dm.id(), dm.to());
            } else {
                context.replies().send(new ServerEvent.Ack(dm.id(), null, null, ts));
            }
        });
    }

    private static void noSuchUser(CommandContext context, RequestId id, String nick) {
        context.replies().fail(id, ErrorCode.NO_SUCH_USER, "no user '" + nick + "' is online");
    }
}
