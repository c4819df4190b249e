package dev.parley.client.cli;

import dev.parley.client.MessageState;
import dev.parley.protocol.ServerEvent;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How the interactive client shows things: one line each, starting with the server's time of the
 * event, styled for a colour terminal. Printed plain, the same lines read
 * {@code 12:34:56 #general <bob> hello}; a message shows its offset after the room once
 * {@link #toggleOffsets offsets} are on ({@code #general [12] <bob> hello}), "(edited)", its
 * reactions as counts ({@code [👍 2, 🎉 1]}), the message it answers ({@code (re <alice> hi…)}),
 * or "message deleted". A message that mentions this user is highlighted where styles show and
 * ends with {@value #MENTION_MARK} where they do not.
 */
final class EventFormatter {
    static final String MENTION_MARK = " [mentions you]";
    private static final int QUOTED_CHARS = 30;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
    private static final AttributedStyle TIMESTAMP = AttributedStyle.DEFAULT.foreground(AttributedStyle.BRIGHT);
    private static final AttributedStyle ROOM = AttributedStyle.DEFAULT.foreground(AttributedStyle.CYAN);
    private static final AttributedStyle OWN_NICK = AttributedStyle.BOLD.foreground(AttributedStyle.GREEN);
    private static final AttributedStyle NICK = AttributedStyle.BOLD.foreground(AttributedStyle.YELLOW);
    private static final AttributedStyle MENTION = AttributedStyle.BOLD.inverse();
    private static final AttributedStyle ASIDE = AttributedStyle.DEFAULT.faint();
    private static final AttributedStyle PRIVATE = AttributedStyle.DEFAULT.foreground(AttributedStyle.MAGENTA);
    private static final AttributedStyle NOTICE = AttributedStyle.DEFAULT.foreground(AttributedStyle.BLUE);
    private static final AttributedStyle PROBLEM = AttributedStyle.BOLD.foreground(AttributedStyle.RED);

    private final String self;
    private final boolean styled;
    private volatile boolean offsets;

    /**
     * @param self   this user's nick: its own messages stand out, and mentions of it
     * @param styled whether the console shows styles; if not, mentions are marked in words
     */
    EventFormatter(String self, boolean styled) {
        this.self = self;
        this.styled = styled;
    }

    /** Turns showing each message's offset on or off; returns whether it is on now. */
    boolean toggleOffsets() {
        offsets = !offsets;
        return offsets;
    }

    /**
     * A message as it stands, on a line of time {@code ts} (when it was sent, or when it last
     * changed), with the message it answers when known.
     */
    AttributedString message(MessageState m, long ts, Optional<MessageState> repliedTo) {
        AttributedStringBuilder line = start(ts).styled(ROOM, "#" + m.room());
        if (offsets) {
            line.append(" [" + m.offset() + "]");
        }
        line.append(' ').styled(nickStyle(m.from()), "<" + m.from() + ">").append(' ');
        if (m.replyTo() != null) {
            line.styled(ASIDE, "(re " + repliedTo.map(EventFormatter::quote).orElse("[" + m.replyTo() + "]") + ") ");
        }
        if (m.deleted()) {
            return line.styled(NOTICE, "message deleted").toAttributedString();
        }
        boolean mentioned = !m.from().equalsIgnoreCase(self) && m.mentions(self);
        line.styled(mentioned ? MENTION : AttributedStyle.DEFAULT, m.text());
        if (m.isEdited()) {
            line.styled(ASIDE, " (edited)");
        }
        if (!m.reactions().isEmpty()) {
            line.styled(ASIDE, m.reactions().stream().map(r -> r.emoji() + " " + r.count())
                    .collect(Collectors.joining(", ", " [", "]")));
        }
        if (mentioned && !styled) {
            line.append(MENTION_MARK);
        }
        return line.toAttributedString();
    }

    /** An edit, delete or reaction of a message older than those the shell keeps. */
    AttributedString aboutUnknown(ServerEvent.RoomEvent e) {
        String what;
        if (e instanceof ServerEvent.Reaction r) {
            what = (r.on() ? "reacted " + r.emoji() + " to" : "took " + r.emoji() + " off");
        } else {
            what = e instanceof ServerEvent.Edit ? "edited" : "deleted";
        }
        return start(e.ts()).styled(ROOM, "#" + e.room()).append(' ')
                .styled(NOTICE, "* " + e.from() + " " + what + " message " + MessageState.subject(e)).toAttributedString();
    }

    /** The rooms with unread messages, and how many of them mention this user. */
    AttributedString unread(List<ServerEvent.UnreadRoom> rooms) {
        String counts = rooms.stream().filter(r -> r.unread() > 0)
                .map(r -> "#" + r.room() + " " + r.unread() + (r.mentions() == 0 ? ""
                        : " (" + r.mentions() + (r.mentions() == 1 ? " mention)" : " mentions)")))
                .collect(Collectors.joining(", "));
        return notice(counts.isEmpty() ? "nothing unread" : "unread: " + counts);
    }

    private AttributedStyle nickStyle(String nick) {
        return nick.equalsIgnoreCase(self) ? OWN_NICK : NICK;
    }

    private static String quote(MessageState m) {
        String text = m.deleted() ? "message deleted" : m.text();
        boolean cut = text.codePointCount(0, text.length()) > QUOTED_CHARS;
        return "<" + m.from() + "> " + (cut ? text.substring(0, text.offsetByCodePoints(0, QUOTED_CHARS)) + "…" : text);
    }

    AttributedString presence(ServerEvent.Presence p) {
        String what = p.event() == ServerEvent.PresenceKind.JOIN ? " joined" : " left";
        return start(p.ts()).styled(ROOM, "#" + p.room()).append(' ').styled(NOTICE, "* " + p.nick() + what)
                .toAttributedString();
    }

    AttributedString occupancy(ServerEvent.Occupancy o) {
        return start(o.ts()).styled(ROOM, "#" + o.room()).append(' ').styled(NOTICE, "* " + o.members() + " members")
                .toAttributedString();
    }

    AttributedString dm(ServerEvent.Dm dm) {
        return start(dm.ts()).styled(PRIVATE, "*" + dm.from() + "*").append(' ').append(dm.text()).toAttributedString();
    }

    /** The echo of a direct message this user sent. */
    AttributedString sentDm(String to, String text, long ts) {
        return start(ts).styled(PRIVATE, "-> *" + to + "*").append(' ').append(text).toAttributedString();
    }

    AttributedString notice(String text) {
        return new AttributedString("* " + text, NOTICE);
    }

    AttributedString problem(String text) {
        return new AttributedString("! " + text, PROBLEM);
    }

    private static AttributedStringBuilder start(long ts) {
        return new AttributedStringBuilder().styled(TIMESTAMP, TIME.format(Instant.ofEpochMilli(ts))).append(' ');
    }
}
