package dev.parley.client.cli;

import dev.parley.protocol.ServerEvent;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * How the interactive client shows things: one line each, starting with the server's time of the
 * event, styled for a colour terminal. Printed plain, the same lines read
 * {@code 12:34:56 #general <bob> hello}.
 */
final class EventFormatter {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
    private static final AttributedStyle TIMESTAMP = AttributedStyle.DEFAULT.foreground(AttributedStyle.BRIGHT);
    private static final AttributedStyle ROOM = AttributedStyle.DEFAULT.foreground(AttributedStyle.CYAN);
    private static final AttributedStyle OWN_NICK = AttributedStyle.BOLD.foreground(AttributedStyle.GREEN);
    private static final AttributedStyle NICK = AttributedStyle.BOLD.foreground(AttributedStyle.YELLOW);
    private static final AttributedStyle PRIVATE = AttributedStyle.DEFAULT.foreground(AttributedStyle.MAGENTA);
    private static final AttributedStyle NOTICE = AttributedStyle.DEFAULT.foreground(AttributedStyle.BLUE);
    private static final AttributedStyle PROBLEM = AttributedStyle.BOLD.foreground(AttributedStyle.RED);

    private final String self;

    EventFormatter(String self) {
        this.self = self;
    }

    AttributedString message(ServerEvent.Message m) {
        return start(m.ts()).styled(ROOM, "#" + m.room()).append(' ')
                .styled(m.from().equalsIgnoreCase(self) ? OWN_NICK : NICK, "<" + m.from() + ">")
                .append(' ').append(m.text()).toAttributedString();
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
