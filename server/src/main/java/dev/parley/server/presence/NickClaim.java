package dev.parley.server.presence;

/**
 * The outcome of {@link Presence#claim}: {@code granted}, and when the nick was taken over from a
 * live session, that session's id in {@code replaced}.
 */
public record NickClaim(boolean granted, String replaced) {
    public static final NickClaim TAKEN = new NickClaim(false, null);
    public static final NickClaim GRANTED = new NickClaim(true, null);

    public static NickClaim replacing(String sessionId) {
        return new NickClaim(true, sessionId);
    }
}
