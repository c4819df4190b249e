package dev.parley.loadtest.scenario;

import java.util.Locale;

/**
 * Traffic beside the measured senders' (issue 17's reaction storm): {@code members} sessions after
 * the senders send {@code perSecond} commands a second between them, each {@link Kind#REACTIONS}
 * (a reaction on one message of its room, on and off in turn, so every one is a room event) or
 * {@link Kind#MESSAGES} (a short message), so the two can be compared at the same rate by what
 * they cost the measured messages.
 */
public record Storm(Kind kind, int members, double perSecond) {
    public enum Kind {
        REACTIONS, MESSAGES;

        /** The option's spelling. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Storm {
        if (members < 1 || !(perSecond > 0)) {
            throw new IllegalArgumentException("a storm needs members and a rate: " + members + ", " + perSecond);
        }
    }

    /** Each member's rate. */
    double perMember(int stormers) {
        return perSecond / stormers;
    }
}
