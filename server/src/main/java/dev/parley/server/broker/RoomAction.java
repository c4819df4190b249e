package dev.parley.server.broker;

import java.util.Set;

/**
 * What a member (or the server API) does to a room that becomes a room event with the room's next
 * offset: a message, or an edit, delete or reaction of the message at {@code target}. The broker
 * checks the target against the room's state when it orders the event and refuses with
 * {@link RoomActionRefused}.
 */
public sealed interface RoomAction {
    /** The parts of {@code welcome.features} a broker offers when it publishes every room action. */
    String EDIT = "edit";
    String DELETE = "delete";
    String REACTIONS = "reactions";
    String REPLIES = "replies";
    Set<String> FEATURES = Set.of(EDIT, DELETE, REACTIONS, REPLIES);

    String room();

    /** Who does it: the event's {@code from}. */
    String from();

    /**
     * A message; {@code nonce} (nullable) makes it idempotent as {@link Broker#publish(String, String, String, String)}
     * says; {@code replyTo} (nullable) is the offset of a retained, not deleted message it answers.
     */
    record Send(String room, String from, String text, String nonce, Long replyTo) implements RoomAction {
    }

    /** An action on the message at {@code target}. */
    sealed interface Targeted extends RoomAction {
        long target();
    }

    /** New text for {@code from}'s own message at {@code target}. */
    record Edit(String room, String from, long target, String text) implements Targeted {
    }

    /**
     * Deletes the message at {@code target}: {@code from}'s own, or anyone's when {@code moderator}
     * (a token's {@code mod} claim, or the server API).
     */
    record Delete(String room, String from, long target, boolean moderator) implements Targeted {
    }

    /** Puts {@code from}'s {@code emoji} on the message at {@code target} ({@code on}) or takes it off. */
    record React(String room, String from, long target, String emoji, boolean on) implements Targeted {
    }
}
