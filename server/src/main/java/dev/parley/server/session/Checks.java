package dev.parley.server.session;

import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.Names;
import dev.parley.protocol.RequestId;

/**
 * The checks commands share: a valid room name, a text within the limits, membership of a room.
 * Each answers the session's command with the protocol's error when the check fails. Stateless;
 * event loop only.
 */
final class Checks {
    private Checks() {
    }

    static boolean validRoom(Session session, RequestId id, String room) {
        if (Names.isValidRoom(room)) {
            return true;
        }
        Replies.fail(session, id, ErrorCode.ROOM_INVALID, "a room name is 1 to " + Names.MAX_ROOM_LENGTH
                + " letters, digits, '_', '-' or '.'");
        return false;
    }

    static boolean validText(Session session, RequestId id, String text) {
        int max = session.settings().limits().maxTextChars();
        if (text.isEmpty()) {
            Replies.fail(session, id, ErrorCode.BAD_REQUEST, "field 'text' must not be empty");
            return false;
        }
        if (text.length() > max && text.codePointCount(0, text.length()) > max) {
            Replies.fail(session, id, ErrorCode.TEXT_TOO_LONG, "at most " + max + " characters");
            return false;
        }
        return true;
    }

    /** Whether the node offers {@code feature} (its {@code welcome.features}); answers {@code unsupported} when it does not. */
    static boolean offered(Session session, RequestId id, String feature) {
        if (session.node().features().contains(feature)) {
            return true;
        }
        Replies.fail(session, id, ErrorCode.UNSUPPORTED, "this server does not offer '" + feature + "'");
        return false;
    }

    /** The session's membership of {@code room}, or null after answering {@code not_member}. */
    static Membership membership(Session session, RequestId id, String room) {
        Membership membership = session.rooms().get(room);
        if (membership == null) {
            Replies.fail(session, id, ErrorCode.NOT_MEMBER, "not a member of '" + room + "'");
        }
        return membership;
    }
}
