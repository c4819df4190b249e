package dev.parley.server.store;

import dev.parley.protocol.Names;
import dev.parley.protocol.ServerEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The recipients of direct messages that have a session on this node, and what becomes of a stored
 * message that arrives live for one of them: while the session is still taking its stored messages
 * it is held (at most {@link #HELD_MAX}); once the session listens, it goes to {@code claim}, held
 * ones first, in the order they arrived. Messages for a recipient not here are ignored: they stay
 * pending in the database.
 *
 * <p>Arrivals come on the live part's thread, the rest from sessions' loops; each recipient's
 * state is changed, and its messages handed to {@code claim}, under its monitor, so claims are
 * asked for in arrival order. {@code claim} must not block.
 */
final class LiveRecipients {
    /** Live messages held for a session still taking its stored ones; past it they are taken as stored. */
    static final int HELD_MAX = 1000;

    private final Map<String, Recipient> here = new ConcurrentHashMap<>();
    private final Consumer<List<ServerEvent.Dm>> claim;

    /** A recipient with a session here: {@code held} until it listens, then null. */
    private static final class Recipient {
        private List<ServerEvent.Dm> held = new ArrayList<>();
        /** More arrived than could be held: the held ones were dropped (they are pending). */
        private boolean overflowed;
    }

    LiveRecipients(Consumer<List<ServerEvent.Dm>> claim) {
        this.claim = claim;
    }

    /** A session of {@code nick} is here and has yet to take its stored messages: hold its arrivals. */
    void expect(String nick) {
        here.put(Names.nickKey(nick), new Recipient());
    }

    /** A stored message published for its recipient; returns whether the recipient has a session here. */
    boolean arrived(ServerEvent.Dm dm) {
        Recipient recipient = here.get(Names.nickKey(dm.to()));
        if (recipient == null) {
            return false;
        }
        synchronized (recipient) {
            if (recipient.held == null) {
                claim.accept(List.of(dm));
            } else if (recipient.held.size() < HELD_MAX) {
                recipient.held.add(dm);
            } else {
                recipient.held.clear();
                recipient.overflowed = true;
            }
        }
        return true;
    }

    /**
     * The session of {@code nick} took its stored messages: what was held goes to the claim, and
     * what arrives from now on. Returns false, and holds anew, when held messages were dropped
     * meanwhile: the session must take its stored messages again first.
     */
    boolean listen(String nick) {
        Recipient recipient = here.get(Names.nickKey(nick));
        if (recipient == null) {
            return true;
        }
        synchronized (recipient) {
            if (recipient.overflowed) {
                recipient.overflowed = false;
                return false;
            }
            if (recipient.held != null && !recipient.held.isEmpty()) {
                claim.accept(recipient.held);
            }
            recipient.held = null;
            return true;
        }
    }

    /** {@code nick} has no session here any more; what was held stays pending. */
    void forget(String nick) {
        here.remove(Names.nickKey(nick));
    }
}
