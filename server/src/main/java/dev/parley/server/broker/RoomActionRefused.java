package dev.parley.server.broker;

import dev.parley.protocol.ErrorCode;

/**
 * Why a broker refused a {@link RoomAction}, as the protocol's error: {@code not_found} (the target
 * is not a retained, not deleted message), {@code forbidden} (not the author's, nor a moderator's)
 * or {@code bad_request} (a message's 21st different emoji). Nothing was published.
 */
public final class RoomActionRefused extends RuntimeException {
    private final ErrorCode code;

    public RoomActionRefused(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    /** The target is not a message this room retains, or it was deleted. */
    public static RoomActionRefused notFound(long target) {
        return new RoomActionRefused(ErrorCode.NOT_FOUND, "no message at offset " + target);
    }

    /** The target is someone else's message. */
    public static RoomActionRefused forbidden(long target) {
        return new RoomActionRefused(ErrorCode.FORBIDDEN, "the message at offset " + target + " is not yours");
    }

    /** The target holds as many different emoji as a message may. */
    public static RoomActionRefused tooManyEmoji(int most) {
        return new RoomActionRefused(ErrorCode.BAD_REQUEST, "a message holds at most " + most + " different emoji");
    }
}
