package dev.parley.server.broker;

import dev.parley.protocol.Command;
import dev.parley.protocol.Names;
import dev.parley.protocol.ServerEvent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a kept message is now: its text after the latest edit, the offsets of its edits, whether
 * it was deleted, and its reactions (per emoji, in the order first put on, the users in the order
 * they reacted). A deleted message keeps no text, and its reactions go. Not thread-safe: its
 * {@link RoomLog} owner's monitor guards it.
 */
final class MessageState {
    /** The message as sent; without its text once deleted. */
    private ServerEvent.Message sent;
    private final List<Long> edits = new ArrayList<>();
    /** Per emoji, the users who put it on: nick key to nick as spelt. */
    private final Map<String, Map<String, String>> reactions = new LinkedHashMap<>();
    private String text;
    private Long edited;
    private boolean deleted;

    MessageState(ServerEvent.Message sent) {
        this.sent = sent;
        this.text = sent.text();
    }

    boolean deleted() {
        return deleted;
    }

    /** Whether {@code nick} sent the message. */
    boolean sentBy(String nick) {
        return Names.nickKey(sent.from()).equals(Names.nickKey(nick));
    }

    /** Who sent it, as spelt. */
    String from() {
        return sent.from();
    }

    /** Its text after the latest edit; null once deleted. */
    String text() {
        return text;
    }

    /** The edit at {@code offset} gave the message {@code newText} at {@code ts}. */
    void edit(long offset, String newText, long ts) {
        edits.add(offset);
        text = newText;
        edited = ts;
    }

    /** The message as the room's log keeps it: as sent, without its text once deleted. */
    ServerEvent.Message logged() {
        return sent;
    }

    /** The message is deleted: its text and reactions are dropped; the offsets of its edits, whose text must go too. */
    List<Long> delete() {
        deleted = true;
        sent = sent.withTextDeleted();
        text = null;
        edited = null;
        reactions.clear();
        return edits;
    }

    /**
     * Puts {@code nick}'s {@code emoji} on ({@code on}) or takes it off; whether that changed
     * anything. Fails with {@code bad_request} for a new emoji past the most a message holds.
     */
    boolean react(String nick, String emoji, boolean on) {
        String key = Names.nickKey(nick);
        Map<String, String> users = reactions.get(emoji);
        if (!on) {
            if (users == null || users.remove(key) == null) {
                return false;
            }
            if (users.isEmpty()) {
                reactions.remove(emoji);
            }
            return true;
        }
        if (users == null) {
            if (reactions.size() >= Command.React.MAX_EMOJI_PER_MESSAGE) {
                throw RoomActionRefused.tooManyEmoji(Command.React.MAX_EMOJI_PER_MESSAGE);
            }
            users = new LinkedHashMap<>();
            reactions.put(emoji, users);
        }
        return users.putIfAbsent(key, nick) == null;
    }

    /** The message as sent, with its state now: what {@code history} and a non-recovery {@code joined} list. */
    ServerEvent.Message current() {
        if (deleted) {
            return sent;
        }
        List<ServerEvent.ReactionCount> counts = new ArrayList<>(reactions.size());
        reactions.forEach((emoji, users) -> counts.add(new ServerEvent.ReactionCount(emoji, users.size(),
                users.values().stream().limit(ServerEvent.ReactionCount.MAX_NICKS).toList())));
        return sent.withState(text, edited, counts);
    }
}
