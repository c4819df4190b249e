package dev.parley.server.store;

import dev.parley.protocol.ServerEvent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * What the events of one transaction come to, decided in queue order on the rooms' state as the
 * transaction read it (their rows locked) and as the batch's earlier events changed it: so a
 * delete and an edit of one message in one batch are ordered as in separate ones. Gathers what
 * the transaction then writes: the new events, each message's last edit, the deletes and the
 * reactions that end up on or off. Not thread-safe: the writer's thread alone uses it.
 */
final class EventBatch {
    /** A nonce's owner: the room, the user (its nick in lower case, as nicks compare) and the nonce. */
    record NonceKey(String room, String user, String nonce) {
    }

    /** A message of a room. */
    record TargetKey(String room, long offset) {
    }

    /** One user's emoji on one message. */
    record ReactionKey(String room, long target, String emoji, String reactor) {
    }

    /** What the batch knows of a message events are about: who sent it, whether deleted, how many have each emoji on it. */
    static final class Target {
        final String sender;
        boolean deleted;
        final Map<String, Integer> emoji;

        Target(String sender, boolean deleted, Map<String, Integer> emoji) {
            this.sender = sender;
            this.deleted = deleted;
            this.emoji = emoji;
        }
    }

    /** What one queued event comes to: the event stored or answered (empty: changed nothing), or refused. */
    record Answer(Optional<ServerEvent.RoomEvent> event, EventRefused refused) {
    }

    private final Map<String, RoomHistory.Position> rooms;
    private final Map<String, Long> tops = new HashMap<>();
    private final Map<NonceKey, ServerEvent.Message> sent;
    private final Map<TargetKey, Target> targets;
    private final Set<ReactionKey> on;
    private final int mostEmoji;
    private final LongSupplier clock;

    final List<Answer> answers = new ArrayList<>();
    final List<ServerEvent.RoomEvent> stored = new ArrayList<>();
    /** The nonce of each of {@link #stored} (null for none). */
    final List<String> nonces = new ArrayList<>();
    final Map<TargetKey, ServerEvent.Edit> edits = new LinkedHashMap<>();
    final Set<TargetKey> deletes = new LinkedHashSet<>();
    /** The reactions the batch turned on or off, each as the last event about it left it. */
    final Map<ReactionKey, ServerEvent.Reaction> reactions = new LinkedHashMap<>();

    /**
     * {@code rooms}: where each room stood before the batch; {@code sent}: the kept messages with the batch's
     * nonces; {@code targets}: the kept messages the batch's events are about; {@code on}: which of
     * the reactions the batch changes are on; {@code mostEmoji}: the most different emoji a message takes.
     */
    EventBatch(Map<String, RoomHistory.Position> rooms, Map<NonceKey, ServerEvent.Message> sent, Map<TargetKey, Target> targets,
               Set<ReactionKey> on, int mostEmoji, LongSupplier clock) {
        this.rooms = rooms;
        rooms.forEach((room, position) -> tops.put(room, position.top()));
        this.sent = new HashMap<>(sent);
        this.targets = new HashMap<>(targets);
        this.on = new HashSet<>(on);
        this.mostEmoji = mostEmoji;
        this.clock = clock;
    }

    static String user(String nick) {
        return nick.toLowerCase(Locale.ROOT);
    }

    static NonceKey nonceKey(NewEvent event) {
        return event.nonce() == null ? null : new NonceKey(event.room(), user(event.from()), event.nonce());
    }

    static ReactionKey reactionKey(NewEvent event) {
        return new ReactionKey(event.room(), event.target(), event.emoji(), user(event.from()));
    }

    /** The room's epoch. */
    String epoch(String room) {
        return rooms.get(room).epoch();
    }

    /** The rooms' latest offsets after the batch. */
    Map<String, Long> tops() {
        return tops;
    }

    /** Decides the next queued event. */
    void add(NewEvent event) {
        try {
            answers.add(new Answer(decide(event), null));
        } catch (EventRefused refused) {
            answers.add(new Answer(Optional.empty(), refused));
        }
    }

    private Optional<ServerEvent.RoomEvent> decide(NewEvent event) {
        switch (event.kind()) {
            case MESSAGE -> {
                NonceKey key = nonceKey(event);
                ServerEvent.Message first = key == null ? null : sent.get(key);
                if (first != null) {
                    return Optional.of(first); // before the reply's target: a resend is answered as the first was
                }
                if (event.target() != null) {
                    target(event);
                }
                ServerEvent.Message message = new ServerEvent.Message(event.room(), next(event), clock.getAsLong(),
                        event.from(), event.text(), event.target(), null, null, null);
                if (key != null) {
                    sent.put(key, message);
                }
                targets.put(new TargetKey(event.room(), message.offset()), new Target(event.from(), false, new HashMap<>()));
                return store(message, event.nonce());
            }
            case EDIT -> {
                own(event, target(event));
                ServerEvent.Edit edit = new ServerEvent.Edit(event.room(), next(event), event.target(), event.from(),
                        event.text(), clock.getAsLong());
                edits.put(new TargetKey(event.room(), event.target()), edit);
                return store(edit, null);
            }
            case DELETE -> {
                Target target = target(event);
                if (!event.moderator()) {
                    own(event, target);
                }
                target.deleted = true;
                deletes.add(new TargetKey(event.room(), event.target()));
                return store(new ServerEvent.Delete(event.room(), next(event), event.target(), event.from(),
                        clock.getAsLong()), null);
            }
            default -> {
                return react(event, target(event));
            }
        }
    }

    private Optional<ServerEvent.RoomEvent> react(NewEvent event, Target target) {
        ReactionKey key = reactionKey(event);
        if (on.contains(key) == event.on()) {
            return Optional.empty();
        }
        if (event.on() && !target.emoji.containsKey(event.emoji()) && target.emoji.size() >= mostEmoji) {
            throw new EventRefused(EventRefused.Reason.TOO_MANY_EMOJI, event.target());
        }
        if (event.on()) {
            on.add(key);
        } else {
            on.remove(key);
        }
        target.emoji.merge(event.emoji(), event.on() ? 1 : -1, (count, change) -> count + change == 0 ? null : count + change);
        ServerEvent.Reaction reaction = new ServerEvent.Reaction(event.room(), next(event), event.target(), event.from(),
                event.emoji(), event.on(), clock.getAsLong());
        reactions.put(key, reaction);
        return store(reaction, null);
    }

    /** The kept, not deleted message the event is about. */
    private Target target(NewEvent event) {
        Target target = targets.get(new TargetKey(event.room(), event.target()));
        if (target == null || target.deleted) {
            throw new EventRefused(EventRefused.Reason.NOT_FOUND, event.target());
        }
        return target;
    }

    private static void own(NewEvent event, Target target) {
        if (!user(target.sender).equals(user(event.from()))) {
            throw new EventRefused(EventRefused.Reason.FORBIDDEN, event.target());
        }
    }

    private long next(NewEvent event) {
        return tops.merge(event.room(), 1L, Long::sum);
    }

    private Optional<ServerEvent.RoomEvent> store(ServerEvent.RoomEvent event, String nonce) {
        stored.add(event);
        nonces.add(nonce);
        return Optional.of(event);
    }
}
