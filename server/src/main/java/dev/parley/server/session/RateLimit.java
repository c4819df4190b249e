package dev.parley.server.session;

import dev.parley.protocol.CloseCode;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.Limits;
import dev.parley.protocol.RequestId;

/**
 * A session's rate limit on the commands that cost others something ({@code send}, {@code dm},
 * {@code typing}): a command past it is answered {@code rate_limited}, and a client that keeps
 * going past the burst is closed with 1008. The session makes it on the first such command (its
 * bucket full, as it would be by then): most sessions only listen. Event loop only.
 */
final class RateLimit {
    private final Session session;
    private final Limits limits;
    private final TokenBucket bucket;
    private int rejectedInARow;

    RateLimit(Session session) {
        this.session = session;
        this.limits = session.settings().limits();
        this.bucket = new TokenBucket(limits.ratePerSec(), limits.burst(), System.nanoTime());
    }

    /** Whether command {@code id} may go on; answers it and perhaps closes the session when not. */
    boolean admitted(RequestId id) {
        if (bucket.tryTake(System.nanoTime())) {
            rejectedInARow = 0;
            return true;
        }
        Replies.fail(session, id, ErrorCode.RATE_LIMITED, "more than " + limits.ratePerSec() + " a second");
        if (++rejectedInARow > limits.burst()) {
            Replies.close(session, CloseCode.POLICY_VIOLATION, "flooding");
        }
        return false;
    }
}
