package dev.parley.client;

import dev.parley.protocol.Mentions;
import dev.parley.protocol.Names;
import dev.parley.protocol.ServerEvent;

import java.util.ArrayList;
import java.util.List;

/**
 * A room message as it stands now (version 1.2): its current text, when it was last edited, whether
 * it was deleted, and its reactions. Immutable: applying an edit, a delete or a reaction gives a new
 * state. {@link RoomMessages} keeps a room's messages and applies each room event to its target.
 *
 * @param room      the room
 * @param offset    the message's offset
 * @param ts        when it was sent
 * @param from      who sent it
 * @param text      its current text; {@code null} once deleted
 * @param replyTo   the offset of the message it answers, or {@code null}
 * @param edited    when it was last edited, or {@code null}
 * @param deleted   whether it was deleted
 * @param reactions the emoji on it, each with its count and the first
 *                  {@value ServerEvent.ReactionCount#MAX_NICKS} nicks, in the order first put on
 */
public record MessageState(String room, long offset, long ts, String from, String text, Long replyTo, Long edited,
                           boolean deleted, List<ServerEvent.ReactionCount> reactions) {
    public MessageState {
        reactions = reactions == null ? List.of() : List.copyOf(reactions);
    }

    /** A message as the server sent it: live or in the log (no state yet), or in an answer with its state. */
    public static MessageState of(ServerEvent.Message message) {
        boolean deleted = Boolean.TRUE.equals(message.deleted());
        return new MessageState(message.room(), message.offset(), message.ts(), message.from(),
                deleted ? null : message.text(), message.replyTo(), deleted ? null : message.edited(), deleted,
                deleted ? null : message.reactions());
    }

    /** Who its current text mentions, lower case, each once. */
    public List<String> mentions() {
        return Mentions.in(text);
    }

    /** Whether its current text mentions {@code nick}, in any case. */
    public boolean mentions(String nick) {
        return Mentions.mentions(text, nick);
    }

    /** Whether it was edited since it was sent. */
    public boolean isEdited() {
        return edited != null;
    }

    /**
     * The offset of the message a room event is about: a message's own, the {@code target} of an
     * edit, a delete or a reaction.
     */
    public static long subject(ServerEvent.RoomEvent event) {
        if (event instanceof ServerEvent.Edit edit) {
            return edit.target();
        }
        if (event instanceof ServerEvent.Delete delete) {
            return delete.target();
        }
        if (event instanceof ServerEvent.Reaction reaction) {
            return reaction.target();
        }
        return event.offset();
    }

    /**
     * This message after an edit, a delete or a reaction of it (an event about another message is
     * the caller's mistake and changes nothing; so does a message, which has no effect on another).
     */
    public MessageState apply(ServerEvent.RoomEvent event) {
        if (subject(event) != offset || !event.room().equals(room)) {
            return this;
        }
        if (event instanceof ServerEvent.Edit edit) {
            return withEdit(edit);
        }
        if (event instanceof ServerEvent.Delete) {
            return asDeleted();
        }
        if (event instanceof ServerEvent.Reaction reaction) {
            return withReaction(reaction);
        }
        return this;
    }

    /** This message with {@code edit}'s text; a deleted message stays deleted. */
    private MessageState withEdit(ServerEvent.Edit edit) {
        if (deleted || edit.text() == null) {
            return this;
        }
        return new MessageState(room, offset, ts, from, edit.text(), replyTo, edit.ts(), false, reactions);
    }

    /** This message deleted: no text, no reactions. */
    private MessageState asDeleted() {
        return new MessageState(room, offset, ts, from, null, replyTo, null, true, null);
    }

    /**
     * This message with {@code reaction}'s emoji put on or taken off. The server sends a reaction
     * only when it changed something, so an emoji put on counts one more; a nick already listed is
     * not counted twice, which keeps a reaction that an answer's state already holds from counting
     * again.
     */
    private MessageState withReaction(ServerEvent.Reaction reaction) {
        if (deleted) {
            return this;
        }
        String nickKey = Names.nickKey(reaction.from());
        List<ServerEvent.ReactionCount> next = new ArrayList<>(reactions.size() + 1);
        boolean found = false;
        for (ServerEvent.ReactionCount count : reactions) {
            if (count.emoji().equals(reaction.emoji())) {
                found = true;
                ServerEvent.ReactionCount changed = reaction.on() ? withNick(count, reaction.from(), nickKey)
                        : withoutNick(count, nickKey);
                if (changed.count() > 0) {
                    next.add(changed);
                }
            } else {
                next.add(count);
            }
        }
        if (!found && reaction.on()) {
            next.add(new ServerEvent.ReactionCount(reaction.emoji(), 1, List.of(reaction.from())));
        }
        return new MessageState(room, offset, ts, from, text, replyTo, edited, false, next);
    }

    private static ServerEvent.ReactionCount withNick(ServerEvent.ReactionCount count, String nick, String nickKey) {
        if (listed(count, nickKey)) {
            return count;
        }
        List<String> nicks = new ArrayList<>(count.nicks());
        if (nicks.size() < ServerEvent.ReactionCount.MAX_NICKS) {
            nicks.add(nick);
        }
        return new ServerEvent.ReactionCount(count.emoji(), count.count() + 1, nicks);
    }

    private static ServerEvent.ReactionCount withoutNick(ServerEvent.ReactionCount count, String nickKey) {
        List<String> nicks = count.nicks().stream().filter(n -> !Names.nickKey(n).equals(nickKey)).toList();
        return new ServerEvent.ReactionCount(count.emoji(), count.count() - 1, nicks);
    }

    private static boolean listed(ServerEvent.ReactionCount count, String nickKey) {
        return count.nicks().stream().anyMatch(n -> Names.nickKey(n).equals(nickKey));
    }
}
