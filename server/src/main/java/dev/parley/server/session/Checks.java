package dev.parley.server.session;

import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.Limits;
import dev.parley.protocol.Names;
import dev.parley.protocol.RequestId;

/**
 * The checks commands share: a valid room name, a text within the limits, membership of a room.
 * Each answers the command with the protocol's error when the check fails. Event loop only.
 */
final class Checks {
    private final Replies replies;
    private final Memberships rooms;
    private final Limits limits;

    Checks(Replies replies, Memberships rooms, Limits limits) {
        this.replies = replies;
        this.rooms = rooms;
        this.limits = limits;
    }

    boolean validRoom(RequestId id, String room) {
        if (Names.isValidRoom(room)) {
            return true;
        }
        replies.fail(id, ErrorCode.ROOM_INVALID, "a room name is 1 to " + Names.MAX_ROOM_LENGTH
                + " letters, digits, '_', '-' or '.'");
        return false;
    }

    boolean validText(RequestId id, String text) {
        int max = limits.maxTextChars();
        if (text.isEmpty()) {
            replies.fail(id, ErrorCode.BAD_REQUEST, "field 'text' must not be empty");
            return false;
        }
        if (text.length() > max && text.codePointCount(0, text.length()) > max) {
            replies.fail(id, ErrorCode.TEXT_TOO_LONG, "at most " + max + " characters");
            return false;
        }
        return true;
    }

    /** The session's membership of {@code room}, or null after answering {@code not_member}. */
    Membership membership(RequestId id, String room) {
        Membership membership = rooms.get(room);
        if (membership == null) {
            replies.fail(id, ErrorCode.NOT_MEMBER, "not a member of '" + room + "'");
        }
        return membership;
    }
}
