package dev.parley.server.session;

import dev.parley.protocol.CloseCode;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.RequestId;
import dev.parley.server.auth.AuthException;
import dev.parley.server.auth.Grant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;

/**
 * The token of a {@code hello} or {@code refresh}, checked once the authenticator has its key: at
 * once, unless the key is being fetched (a JWKS URL's new key), then on the session's loop when the
 * fetch is through. A bad token is answered {@code unauthorized} and closes the session with 1008.
 * Stateless; event loop only.
 */
final class TokenCheck {
    private static final Logger LOG = LoggerFactory.getLogger(TokenCheck.class);

    private TokenCheck() {
    }

    /** Gives {@code granted} the grant of {@code token} for {@code nick}, unless the session has ended meanwhile. */
    static void check(Session session, RequestId id, String nick, String token, Consumer<Grant> granted) {
        Replies.whenDone(session, session.authenticator().keysFor(token), id, fetched -> {
            Grant grant;
            try {
                grant = session.authenticator().authenticate(nick, token);
            } catch (AuthException e) {
                LOG.debug("{}: {}", session, e.getMessage());
                Replies.fail(session, id, ErrorCode.UNAUTHORIZED, e.getMessage());
                session.transport().close(CloseCode.POLICY_VIOLATION);
                return;
            }
            if (!session.hasEnded()) {
                granted.accept(grant);
            }
        });
    }
}
