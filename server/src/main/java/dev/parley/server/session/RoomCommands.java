package dev.parley.server.session;

import dev.parley.protocol.Command;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ServerEvent;
import dev.parley.server.broker.ReadState;
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
    static void join(Session session, Command.Join join) {
        String room = join.room();
        if (!Checks.validRoom(session, join.id(), room)) {
            return;
        }
        Membership membership = session.rooms().get(room);
        if (membership != null) {
            long reply = RoomOrder.expectReply(membership);
            Replies.whenDone(session, session.node().rejoin(room, join.since(), session.settings().historyOnJoin(),
                    session.settings().limits().recoverMax()),
                    join.id(), () -> RoomOrder.settle(session, room, membership, reply), joined -> {
                        Replies.send(session, joinedEvent(join, joined));
                        RoomOrder.settle(session, room, membership, reply);
                    });
            return;
        }
        if (!session.grant().mayJoin(room)) {
            Replies.fail(session, join.id(), ErrorCode.FORBIDDEN,
                    "room '" + room + "' is not among those the token or the connect hook allows");
            return;
        }
        int maxRooms = session.settings().limits().maxRooms();
        if (session.rooms().size() >= maxRooms) {
            Replies.fail(session, join.id(), ErrorCode.TOO_MANY_ROOMS, "at most " + maxRooms + " rooms per session");
            return;
        }
        Membership joining = new Membership(session.node().hub().roomName(room));
        long reply = RoomOrder.expectReply(joining);
        session.rooms().add(joining);
        Replies.whenDone(session, session.node().join(session, room, join.since(),
                session.settings().historyOnJoin(), session.settings().limits().recoverMax()), join.id(), () -> {
                    if (session.rooms().remove(joining)) {
                        RoomOrder.drop(session, joining);
                    }
                }, joined -> {
                    RoomOrder.covered(joining, joined.recovery().offset());
                    Replies.send(session, joinedEvent(join, joined));
                    RoomOrder.settle(session, room, joining, reply);
                });
    }

    private static ServerEvent.Joined joinedEvent(Command.Join join, Node.Joined joined) {
        Recovery recovery = joined.recovery();
        return new ServerEvent.Joined(join.id(), join.room(), recovery.epoch(), recovery.offset(), joined.members(),
                joined.memberCount(), recovery.recovered(), recovery.messages(),
                recovery.missed() == 0 ? null : recovery.missed());
    }

    /**
     * Leaves the room; with {@code forget} (where the node keeps read state) the user's marker of
     * it goes first, so that a backend out of reach leaves nothing done and the leave can be retried.
     */
    static void leave(Session session, Command.Leave leave) {
        if (!Checks.validRoom(session, leave.id(), leave.room())
                || Checks.membership(session, leave.id(), leave.room()) == null) {
            return;
        }
        if (leave.forget() && session.node().features().contains(ReadState.FEATURE)) {
            Replies.whenDone(session, session.node().userReadState().forget(session.nick(), leave.room()), leave.id(),
                    forgotten -> leaveRoom(session, leave));
        } else {
            leaveRoom(session, leave);
        }
    }

    /** Leaves the room the session is still in (it may have ended while its marker was forgotten). */
    private static void leaveRoom(Session session, Command.Leave leave) {
        Membership membership = Checks.membership(session, leave.id(), leave.room());
        if (membership != null) {
            session.rooms().remove(membership);
            RoomOrder.drop(session, membership);
            Replies.reply(session, leave.id(), session.node().leave(session, leave.room()),
                    done -> new ServerEvent.Left(leave.id(), leave.room()));
        }
    }

    static void typing(Session session, Command.Typing typing) {
        if (session.rateLimit().admitted(typing.id()) && Checks.validRoom(session, typing.id(), typing.room())
                && Checks.membership(session, typing.id(), typing.room()) != null) {
            session.node().typing(session, typing.room());
        }
    }
}
