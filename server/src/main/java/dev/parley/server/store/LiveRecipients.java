package dev.parley.server.store;

import dev.parley.protocol.Names;
import dev.parley.protocol.ServerEvent;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The sessions on this node that get their user's stored direct messages live, and which of them
 * gets a message that arrives: each gets it once, in a chunk of its stored messages or live, never
 * both. A session still taking its stored messages holds what arrives (at most {@link #HELD_MAX});
 * when it listens, the held ones it did not take in a chunk go to it, then every later arrival it
 * did not take. What it took is its chunks' seqs ({@link TakenSeqs}), so a live copy that comes
 * late (its publish slow) is still known. A message whose recipient has no session here is
 * ignored: what becomes of it is another node's, or the next {@code hello}'s.
 *
 * <p>Arrivals come on the live part's thread, chunks on the database's, the rest from sessions'
 * loops; each user's sessions are changed, and their messages handed to {@code deliver}, under the
 * monitor of the user's list, so each session gets its messages in the order they arrived.
 * {@code deliver} must not block.
 */
final class LiveRecipients {
    /** Live messages held for a session still taking its stored ones; past it they are taken as stored. */
    static final int HELD_MAX = 1000;

    /** Each user's sessions here, by nick key; a list is its user's monitor. */
    private final Map<String, List<Receiver>> here = new ConcurrentHashMap<>();
    /** Hands messages, in order, to those of the sessions (ids) still here. */
    private final BiConsumer<List<ServerEvent.Dm>, Set<String>> deliver;

    /** A session here: what arrived for it while it takes its stored messages (null once it listens), what it took. */
    private static final class Receiver {
        private final String session;
        private List<ServerEvent.Dm> held = new ArrayList<>();
        /** More arrived than could be held: the held ones were dropped. */
        private boolean overflowed;
        /** Made by its first chunk. */
        private TakenSeqs taken;

        private Receiver(String session) {
            this.session = session;
        }

        private boolean took(ServerEvent.Dm dm) {
            return taken != null && taken.contains(dm);
        }
    }

    LiveRecipients(BiConsumer<List<ServerEvent.Dm>, Set<String>> deliver) {
        this.deliver = deliver;
    }

    /** {@code session} of {@code nick} is here and has yet to take its stored messages: hold its arrivals. */
    void expect(String nick, String session) {
        here.compute(Names.nickKey(nick), (key, receivers) -> {
            List<Receiver> updated = receivers == null ? new ArrayList<>(1) : receivers;
            synchronized (updated) {
                updated.add(new Receiver(session));
            }
            return updated;
        });
    }

    /**
     * A stored message published for its recipient: to each of the recipient's listening sessions
     * here that did not take it in a chunk, held for the others. Returns whether the recipient has
     * a session here.
     */
    boolean arrived(ServerEvent.Dm dm) {
        List<Receiver> receivers = here.get(Names.nickKey(dm.to()));
        if (receivers == null) {
            return false;
        }
        synchronized (receivers) {
            Set<String> listening = new HashSet<>();
            for (Receiver receiver : receivers) {
                if (receiver.held == null) {
                    if (!receiver.took(dm)) {
                        listening.add(receiver.session);
                    }
                } else if (receiver.held.size() < HELD_MAX) {
                    receiver.held.add(dm);
                } else {
                    receiver.held.clear();
                    receiver.overflowed = true;
                }
            }
            if (!listening.isEmpty()) {
                deliver.accept(List.of(dm), listening);
            }
            return !receivers.isEmpty();
        }
    }

    /** {@code session} of {@code nick} took {@code chunk} of its stored messages: their live copies are not for it. */
    void took(String nick, String session, List<ServerEvent.Dm> chunk) {
        List<Receiver> receivers = here.get(Names.nickKey(nick));
        if (receivers == null || chunk.isEmpty()) {
            return;
        }
        synchronized (receivers) {
            Receiver receiver = find(receivers, session);
            if (receiver != null) {
                if (receiver.taken == null) {
                    receiver.taken = new TakenSeqs();
                }
                chunk.forEach(receiver.taken::add);
            }
        }
    }

    /**
     * {@code session} of {@code nick} took its stored messages: the held ones it did not take go to
     * it, and what arrives from now on. Returns false, and holds anew, when held messages were
     * dropped meanwhile: the session must take its stored messages again first.
     */
    boolean listen(String nick, String session) {
        List<Receiver> receivers = here.get(Names.nickKey(nick));
        if (receivers == null) {
            return true;
        }
        synchronized (receivers) {
            Receiver receiver = find(receivers, session);
            if (receiver == null || receiver.held == null) {
                return true;
            }
            if (receiver.overflowed) {
                receiver.overflowed = false;
                return false;
            }
            List<ServerEvent.Dm> untaken = receiver.held.stream().filter(dm -> !receiver.took(dm)).toList();
            receiver.held = null;
            if (!untaken.isEmpty()) {
                deliver.accept(untaken, Set.of(session));
            }
            return true;
        }
    }

    /** {@code session} of {@code nick} is gone from here; what it held is another session's, or the next hello's. */
    void forget(String nick, String session) {
        here.computeIfPresent(Names.nickKey(nick), (key, receivers) -> {
            synchronized (receivers) {
                receivers.removeIf(receiver -> receiver.session.equals(session));
                return receivers.isEmpty() ? null : receivers;
            }
        });
    }

    private static Receiver find(List<Receiver> receivers, String session) {
        for (Receiver receiver : receivers) {
            if (receiver.session.equals(session)) {
                return receiver;
            }
        }
        return null;
    }
}
