package dev.parley.loadtest.net;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Names why a connection failed, in a few words that group well in a report ("refused",
 * "fd limit", "handshake HTTP 503", ...), rather than one line per distinct exception message.
 */
public final class FailureCause {
    private FailureCause() {
    }

    /** The short cause of {@code failure}. */
    public static String of(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof SessionFailure session) {
            return session.cause();
        }
        String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
        if (t instanceof TimeoutException) {
            return "no welcome in time";
        }
        if (t instanceof ConnectTimeoutException) {
            return "connect timeout";
        }
        if (message.contains("too many open files")) {
            return "fd limit (too many open files)";
        }
        if (t instanceof BindException || message.contains("cannot assign requested address")
                || message.contains("address already in use")) {
            return "no local port (bind)";
        }
        if (t instanceof ConnectException || message.contains("connection refused")) {
            return "refused";
        }
        if (t instanceof WebSocketClientHandshakeException handshake && handshake.response() != null) {
            return "handshake HTTP " + handshake.response().status().code();
        }
        if (t instanceof WebSocketHandshakeException) {
            return "handshake failed";
        }
        if (message.contains("connection reset")) {
            return "reset by peer";
        }
        if (t instanceof ClosedChannelException) {
            return "closed";
        }
        if (t instanceof IOException) {
            return "I/O: " + t.getClass().getSimpleName();
        }
        return t.getClass().getSimpleName();
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
