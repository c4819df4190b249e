package dev.parley.server.session;

import dev.parley.protocol.Command;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ServerEvent;
import dev.parley.server.broker.Recovery;
import dev.parley.server.node.Node;

/** {@code join}, {@code leave} and {@code typing}: a session's rooms. */
final class RoomCommands {
    private RoomCommands() {
    }

    /**
     * Joins the room, or re-joins one the session is in (a new recovery, no new membership). The
     * room's deliveries wait behind the {@code joined} reply, which covers the messages it carries.
     */
    static void join(CommandContext context, Command.Join join) {
        String room = join.room();
        if (!context.checks().validRoom(join.id(), room)) {
            return;
        }
        RoomOrder order = context.order();
        Membership membership = context.rooms().get(room);
        if (membership != null) {
            order.expectReply(membership);
            context.replies().whenDone(context.node().rejoin(room, join.since(), context.settings().historyOnJoin(),
                    context.settings().limits().recoverMax()),
                    join.id(), () -> order.settle(room, membership), joined -> {
                        context.replies().send(joinedEvent(join, joined));
                        order.settle(room, membership);
                    });
            return;
        }
        if (!context.grant().grant().mayJoin(room)) {
            context.replies().fail(join.id(), ErrorCode.FORBIDDEN, "the token does not allow room '" + room + "'");
            return;
        }
        int maxRooms = context.settings().limits().maxRooms();
        if (context.rooms().size() >= maxRooms) {
            context.replies().fail(join.id(), ErrorCode.TOO_MANY_ROOMS, "at most " + maxRooms + " rooms per session");
            return;
        }
        Membership joining = new Membership(context.node().roomName(room));
        order.expectReply(joining);
        context.rooms().add(joining);
        context.replies().whenDone(context.node().join(context.session(), room, join.since(),
                context.settings().historyOnJoin(), context.settings().limits().recoverMax()), join.id(), () -> {
                    if (context.rooms().remove(joining)) {
                        order.drop(joining);
                    }
                }, joined -> {
                    order.covered(joining, joined.recovery().offset());
                    context.replies().send(joinedEvent(join, joined));
                    order.settle(room, joining);
                });
    }

    private static ServerEvent.Joined joinedEvent(Command.Join join, Node.Joined joined) {
        Recovery recovery = joined.recovery();
        return new ServerEvent.Joined(join.id(), join.room(), recovery.epoch(), recovery.offset(), joined.members(),
                joined.memberCount(), recovery.recovered(), recovery.messages(),
                recovery.missed() == 0 ? null : recovery.missed());
    }

    static void leave(CommandContext context, Command.Leave leave) {
        if (!context.checks().validRoom(leave.id(), leave.room())) {
            return;
        }
        Membership membership = context.checks().membership(leave.id(), leave.room());
        if (membership != null) {
            context.rooms().remove(membership);
            context.order().drop(membership);
            context.replies().reply(leave.id(), context.node().leave(context.session(), leave.room()),
                    done -> new ServerEvent.Left(leave.id(), leave.room()));
        }
    }

    static void typing(CommandContext context, Command.Typing typing) {
        if (context.rateLimit().admitted(typing.id()) && context.checks().validRoom(typing.id(), typing.room())
                && context.checks().membership(typing.id(), typing.room()) != null) {
            context.node().typing(context.session(), typing.room());
        }
    }
}
