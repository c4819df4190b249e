package dev.parley.server.hooks;

/** What a backend answered a hook request: its status and body (at most {@link HookClient#MAX_REPLY_BYTES}). */
public record HookReply(int status, String body) {

    /** Whether the status is 2xx. */
    public boolean succeeded() {
        return status >= 200 && status < 300;
    }
}
