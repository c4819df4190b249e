package dev.parley.server.auth;

/**
 * Decides who a connection is. {@link #OPEN} (no keys configured) takes every nick at its word;
 * {@link JwtAuthenticator} requires a signed token naming it. Thread-safe; never blocks.
 */
public interface Authenticator {

    /** Accepts every nick, for any room, without expiry: auth is off. */
    Authenticator OPEN = (nick, token) -> Grant.open(nick);

    /**
     * The grant of {@code token} for {@code nick}, presented in {@code hello} or {@code refresh}.
     *
     * @throws AuthException when the token is missing, malformed, badly signed, expired, not yet
     *                       valid, for another issuer or audience, or names another nick
     */
    Grant authenticate(String nick, String token) throws AuthException;
}
