package dev.parley.server.presence;

/**
 * The outcome of {@link Presence#claim}: {@code granted}, and when a live session was taken over
 * with its resume secret, that session's id in {@code replaced}; or refused, because the nick is
 * {@code TAKEN} (held under another spelling, or by someone else where nicks are exclusive) or its
 * user holds as many sessions as it may ({@code FULL}).
 */
public record NickClaim(Outcome outcome, String replaced) {
    public static final NickClaim GRANTED = new NickClaim(Outcome.GRANTED, null);
    public static final NickClaim TAKEN = new NickClaim(Outcome.TAKEN, null);
    public static final NickClaim FULL = new NickClaim(Outcome.FULL, null);

    public enum Outcome { GRANTED, TAKEN, FULL }

    public static NickClaim replacing(String sessionId) {
        return new NickClaim(Outcome.GRANTED, sessionId);
    }

    public boolean granted() {
        return outcome == Outcome.GRANTED;
    }
}
