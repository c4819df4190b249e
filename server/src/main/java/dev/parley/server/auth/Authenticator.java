package dev.parley.server.auth;

import java.util.concurrent.CompletableFuture;

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

    /**
     * Completes when the keys that {@link #authenticate} needs for {@code token} are at hand: at once,
     * but for a token whose key is yet to be fetched (a JWKS URL's new key), then once the fetch is
     * through. Never fails: a key still missing then makes {@link #authenticate} refuse the token.
     */
    default CompletableFuture<Void> keysFor(String token) {
        return CompletableFuture.completedFuture(null);
    }
}
