package dev.parley.client.cli;

import dev.parley.client.ParleyConnectionException;
import dev.parley.client.ParleyException;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** What the terminal client says about a failed request or connection, and the exit code it means. */
final class Failures {
    /** The server refused a request; the message starts with its error code. */
    static final int REFUSED = 1;
    /** No connection, a connection lost, or no reply in time. */
    static final int UNREACHABLE = 3;

    private Failures() {
    }

    /** The failure itself, out of the wrappers futures put around it. */
    static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** One line for a person: for a refusal, the protocol's error code first, such as {@code text_too_long: ...}. */
    static String describe(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof ParleyException || cause instanceof ParleyConnectionException) {
            return cause.getMessage();
        }
        if (cause instanceof TimeoutException) {
            return "timed out: " + cause.getMessage();
        }
        if (cause instanceof CancellationException) {
            return "cancelled";
        }
        return cause.toString();
    }

    static int exitCode(Throwable failure) {
        return unwrap(failure) instanceof ParleyException ? REFUSED : UNREACHABLE;
    }
}
