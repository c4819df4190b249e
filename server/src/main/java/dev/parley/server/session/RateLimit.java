package dev.parley.server.session;

import dev.parley.protocol.CloseCode;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.Limits;
import dev.parley.protocol.RequestId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's rate limit on the commands that cost others something ({@code send}, {@code dm},
 * {@code typing}): a command past it is answered {@code rate_limited}, and a client that keeps
 * going past the burst is closed with 1008. Event loop only.
 */
final class RateLimit {
    private static final Logger LOG = LoggerFactory.getLogger(RateLimit.class);

    private final Limits limits;
    private final Replies replies;
    private final Transport transport;
    private final Object session;
    /** Made on the first rate-limited command (full, as it would be by then): most sessions only listen. */
    private TokenBucket bucket;
    private int rejectedInARow;

    /** @param session names the session in the log */
    RateLimit(Limits limits, Replies replies, Transport transport, Object session) {
        this.limits = limits;
        this.replies = replies;
        this.transport = transport;
        this.session = session;
    }

    /** Whether command {@code id} may go on; answers it and perhaps closes the session when not. */
    boolean admitted(RequestId id) {
        if (bucket == null) {
            bucket = new TokenBucket(limits.ratePerSec(), limits.burst(), System.nanoTime());
        }
        if (bucket.tryTake(System.nanoTime())) {
            rejectedInARow = 0;
            return true;
        }
        replies.fail(id, ErrorCode.RATE_LIMITED, "more than " + limits.ratePerSec() + " a second");
        if (++rejectedInARow > limits.burst()) {
            LOG.debug("{} closed for flooding", session);
            transport.close(CloseCode.POLICY_VIOLATION);
        }
        return false;
    }
}
