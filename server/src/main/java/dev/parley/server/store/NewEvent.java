package dev.parley.server.store;

/**
 * A room event for the {@link GroupCommitWriter} to store with the room's next offset: a message
 * ({@code text}, {@code nonce} and {@code target}, the message it answers, nullable), or an edit
 * ({@code text}), delete or reaction ({@code emoji}, {@code on}) of the message at {@code target}.
 * {@code moderator}: a delete of anyone's message is allowed.
 */
public record NewEvent(Kind kind, String room, String from, String text, String nonce, Long target, String emoji,
                       boolean on, boolean moderator) {

    /** The kinds of room events, as the {@code kind} column names them. */
    public enum Kind {
        MESSAGE("message"), EDIT("edit"), DELETE("delete"), REACTION("reaction");

        private final String column;

        Kind(String column) {
            this.column = column;
        }

        public String column() {
            return column;
        }
    }

    public static NewEvent message(String room, String from, String text, String nonce, Long replyTo) {
        return new NewEvent(Kind.MESSAGE, room, from, text, nonce, replyTo, null, false, false);
    }

    public static NewEvent edit(String room, String from, long target, String text) {
        return new NewEvent(Kind.EDIT, room, from, text, null, target, null, false, false);
    }

    public static NewEvent delete(String room, String from, long target, boolean moderator) {
        return new NewEvent(Kind.DELETE, room, from, null, null, target, null, false, moderator);
    }

    public static NewEvent reaction(String room, String from, long target, String emoji, boolean on) {
        return new NewEvent(Kind.REACTION, room, from, null, null, target, emoji, on, false);
    }
}
