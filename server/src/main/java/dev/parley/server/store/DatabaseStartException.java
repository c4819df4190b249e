package dev.parley.server.store;

/** The database cannot serve this node: out of reach, the login refused, or a schema newer than the node knows. */
public final class DatabaseStartException extends RuntimeException {

    /** {@code message}: one line for the operator, without the password. */
    DatabaseStartException(String message) {
        super(message);
    }
}
