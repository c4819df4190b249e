package dev.parley.server.auth;

/** A token was missing or not acceptable; the message says why, for the client and the log. */
public final class AuthException extends Exception {

    public AuthException(String message) {
        super(message, null, false, false);
    }
}
