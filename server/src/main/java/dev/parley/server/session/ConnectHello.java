package dev.parley.server.session;

import dev.parley.protocol.CloseCode;
import dev.parley.protocol.Command;
import dev.parley.protocol.ErrorCode;
import dev.parley.server.auth.Grant;
import dev.parley.server.hooks.ConnectHook;
import dev.parley.server.hooks.ConnectVerdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code hello} that the token (if any) let through, before the nick is claimed: with a connect
 * hook, the application's backend decides, asked without blocking; its {@code accept} logs the
 * session in (its {@code rooms} narrowing the token's, its {@code join} joined after the welcome),
 * its {@code reject} is {@code unauthorized} and 1008, no usable answer {@code unavailable} and 1013.
 * Asked at every {@code hello}, a resume's too, before the session it resumes is evicted. A
 * session that ended meanwhile is left alone. Stateless; event loop only.
 */
final class ConnectHello {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectHello.class);

    private ConnectHello() {
    }

    static void admit(Session session, Command.Hello hello, Grant grant) {
        ConnectHook hook = session.node().hooks().connect();
        if (hook == null) {
            session.login(hello, grant, ConnectVerdict.ACCEPT_ALL);
            return;
        }
        Replies.whenDone(session, hook.ask(hello.nick(), hello.token(), session.upgradeRequest()), hello.id(), verdict -> {
            if (session.hasEnded()) {
                return;
            }
            if (verdict instanceof ConnectVerdict.Accept accepted) {
                session.login(hello, grant, accepted);
            } else if (verdict instanceof ConnectVerdict.Reject rejected) {
                LOG.debug("{}: '{}' rejected by the connect hook: {}", session, hello.nick(), rejected.reason());
                Replies.fail(session, hello.id(), ErrorCode.UNAUTHORIZED, rejected.reason());
                session.transport().close(CloseCode.POLICY_VIOLATION);
            } else if (verdict instanceof ConnectVerdict.Unavailable unavailable) {
                LOG.warn("{}: the connect hook gave no usable answer: {}", session, unavailable.why());
                Replies.fail(session, hello.id(), ErrorCode.UNAVAILABLE,
                        "the application's backend did not answer; nothing was done, retry later");
                session.transport().close(CloseCode.TRY_AGAIN_LATER);
            }
        });
    }
}
