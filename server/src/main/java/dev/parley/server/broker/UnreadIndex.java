package dev.parley.server.broker;

import dev.parley.protocol.Mentions;
import dev.parley.protocol.Names;

import java.util.HashMap;
import java.util.Map;

/**
 * What a room's unread counts are made of, so that counting never scans its history: the sorted
 * offsets of its live (kept, not deleted) messages, of those per sender, and per mentioned user of
 * those that others sent and whose current text mentions the user. A user's unread count after a
 * marker is the live messages above it less its own; its mentions, its mention list above it:
 * each a binary search. {@link RoomLog} keeps it under its monitor as messages are appended,
 * edited, deleted and pushed out of the window, so a bounded history counts what it still keeps.
 * Users are nick keys. Not thread-safe.
 */
final class UnreadIndex {
    private final SortedOffsets live = new SortedOffsets();
    private final Map<String, SortedOffsets> bySender = new HashMap<>();
    private final Map<String, SortedOffsets> byMentioned = new HashMap<>();

    /** A user's counts in the room: messages of others after its marker, and those that mention it. */
    record Counts(long unread, long mentions) {
    }

    /** The message at {@code offset} from {@code from} with {@code text} is kept, and counts. */
    void added(long offset, String from, String text) {
        String sender = Names.nickKey(from);
        live.add(offset);
        bySender.computeIfAbsent(sender, key -> new SortedOffsets()).add(offset);
        mentionsAdded(offset, sender, text);
    }

    /** The message at {@code offset} from {@code from} had {@code oldText} and now has {@code newText}. */
    void edited(long offset, String from, String oldText, String newText) {
        String sender = Names.nickKey(from);
        mentionsRemoved(offset, sender, oldText);
        mentionsAdded(offset, sender, newText);
    }

    /** The message at {@code offset} from {@code from} with {@code text} counts no more: deleted, or out of the window. */
    void removed(long offset, String from, String text) {
        String sender = Names.nickKey(from);
        live.remove(offset);
        removeFrom(bySender, sender, offset);
        mentionsRemoved(offset, sender, text);
    }

    /** {@code user}'s counts after {@code marker}. */
    Counts after(String user, long marker) {
        SortedOffsets own = bySender.get(user);
        SortedOffsets mentioning = byMentioned.get(user);
        return new Counts(live.countAbove(marker) - (own == null ? 0 : own.countAbove(marker)),
                mentioning == null ? 0 : mentioning.countAbove(marker));
    }

    private void mentionsAdded(long offset, String sender, String text) {
        for (String user : Mentions.in(text)) {
            if (!user.equals(sender)) {
                byMentioned.computeIfAbsent(user, key -> new SortedOffsets()).add(offset);
            }
        }
    }

    private void mentionsRemoved(long offset, String sender, String text) {
        for (String user : Mentions.in(text)) {
            if (!user.equals(sender)) {
                removeFrom(byMentioned, user, offset);
            }
        }
    }

    /** Removes {@code offset} from {@code user}'s list, and the list once empty, so that users who left no trace cost nothing. */
    private static void removeFrom(Map<String, SortedOffsets> lists, String user, long offset) {
        SortedOffsets offsets = lists.get(user);
        if (offsets != null) {
            offsets.remove(offset);
            if (offsets.isEmpty()) {
                lists.remove(user);
            }
        }
    }
}
