package dev.parley.server.broker;

import dev.parley.protocol.Mentions;
import dev.parley.protocol.Names;
import dev.parley.protocol.ServerEvent;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link MemoryBroker}'s unread counts against a model that counts by scanning every message:
 * random sends by three users with and without mentions, edits, deletes (own and a moderator's),
 * reactions and read markers, in windows small enough that messages are pushed out and one large
 * enough that none is. After every step each user's {@code unread} must equal the model's.
 */
class MemoryReadStateProperties {
    private static final String ROOM = "r";
    private static final List<String> USERS = List.of("alice", "Bob", "carol");
    private static final List<String> TEXTS = List.of("plain", "hi @bob", "@Alice.", "@carol and @BOB", "me@alice",
            "@alice-", "@bobby", "own @carol", "@bob @bob @alice");

    sealed interface Step {
    }

    record Send(String from, String text) implements Step {
    }

    /** An edit of the message at {@code pick} modulo the room's latest offset, plus one. */
    record Edit(String from, int pick, String text) implements Step {
    }

    record Delete(String from, int pick, boolean moderator) implements Step {
    }

    record React(String from, int pick, boolean on) implements Step {
    }

    /** A marker at {@code pick} modulo a little past the room's latest offset, plus one. */
    record MarkRead(String user, int pick) implements Step {
    }

    /** A message as the model keeps it. */
    private static final class Sent {
        final String from;
        String text;
        boolean deleted;

        Sent(String from, String text) {
            this.from = from;
            this.text = text;
        }
    }

    /** The room by scanning: every message ever sent, the latest offset, the window, the markers. */
    private static final class Model {
        final int window;
        final Map<Long, Sent> messages = new HashMap<>();
        final Map<String, Long> markers = new HashMap<>();
        long latest;

        Model(int window) {
            this.window = window;
        }

        long pick(int pick, int past) {
            return pick % Math.max(1, latest + past) + 1;
        }

        /** The kept, not deleted message at {@code target} that {@code from} may change, or null. */
        Sent changeable(long target, String from, boolean moderator) {
            Sent sent = target >= Math.max(1, latest - window + 1) ? messages.get(target) : null;
            boolean allowed = sent != null && !sent.deleted
                    && (moderator || Names.nickKey(sent.from).equals(Names.nickKey(from)));
            return allowed ? sent : null;
        }

        List<ServerEvent.UnreadRoom> unread(String user) {
            Long marker = markers.get(user);
            if (marker == null) {
                return List.of();
            }
            long unread = 0;
            long mentions = 0;
            for (Map.Entry<Long, Sent> entry : messages.entrySet()) {
                long offset = entry.getKey();
                Sent sent = entry.getValue();
                boolean kept = offset > latest - window;
                if (offset > marker && kept && !sent.deleted && !Names.nickKey(sent.from).equals(user)) {
                    unread++;
                    if (Mentions.in(sent.text).contains(user)) {
                        mentions++;
                    }
                }
            }
            return List.of(new ServerEvent.UnreadRoom(ROOM, marker, unread, mentions));
        }
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<String> users = Arbitraries.of(USERS);
        Arbitrary<String> texts = Arbitraries.of(TEXTS);
        Arbitrary<Integer> picks = Arbitraries.integers().between(0, 1000);
        Arbitrary<Step> step = Arbitraries.frequencyOf(
                Tuple.of(5, Combinators.combine(users, texts).as(Send::new)),
                Tuple.of(2, Combinators.combine(users, picks, texts).as(Edit::new)),
                Tuple.of(2, Combinators.combine(users, picks, Arbitraries.of(true, false)).as(Delete::new)),
                Tuple.of(1, Combinators.combine(users, picks, Arbitraries.of(true, false)).as(React::new)),
                Tuple.of(3, Combinators.combine(users, picks).as(MarkRead::new)));
        return step.list().ofMinSize(1).ofMaxSize(60);
    }

    @Property(tries = 300)
    void everyUsersUnreadEqualsTheCountsOfAScan(@ForAll("steps") List<Step> steps, @ForAll("windows") int window) {
        MemoryBroker broker = new MemoryBroker(window, () -> 1L);
        broker.listen(new IgnoringListener());
        Model model = new Model(window);
        for (Step step : steps) {
            apply(broker, model, step);
            for (String user : USERS) {
                String key = Names.nickKey(user);
                assertThat(broker.unread(key).join()).as("%s after %s", key, step).isEqualTo(model.unread(key));
            }
        }
    }

    @Provide
    Arbitrary<Integer> windows() {
        return Arbitraries.of(3, 5, 10, 1000);
    }

    private static void apply(MemoryBroker broker, Model model, Step step) {
        if (step instanceof Send send) {
            appended(model, publish(broker, new RoomAction.Send(ROOM, send.from(), send.text(), null, null)));
            model.messages.put(model.latest, new Sent(send.from(), send.text()));
        } else if (step instanceof Edit edit) {
            long target = model.pick(edit.pick(), 0);
            Sent sent = model.changeable(target, edit.from(), false);
            Optional<ServerEvent.RoomEvent> event = publish(broker, new RoomAction.Edit(ROOM, edit.from(), target, edit.text()));
            assertThat(event == null).as("refused %s", edit).isEqualTo(sent == null);
            if (sent != null) {
                sent.text = edit.text();
                appended(model, event);
            }
        } else if (step instanceof Delete delete) {
            long target = model.pick(delete.pick(), 0);
            Sent sent = model.changeable(target, delete.from(), delete.moderator());
            Optional<ServerEvent.RoomEvent> event = publish(broker,
                    new RoomAction.Delete(ROOM, delete.from(), target, delete.moderator()));
            assertThat(event == null).as("refused %s", delete).isEqualTo(sent == null);
            if (sent != null) {
                sent.deleted = true;
                appended(model, event);
            }
        } else if (step instanceof React react) {
            long target = model.pick(react.pick(), 0);
            Sent sent = model.changeable(target, react.from(), true);
            Optional<ServerEvent.RoomEvent> event = publish(broker,
                    new RoomAction.React(ROOM, react.from(), target, "+", react.on()));
            assertThat(event == null).as("refused %s", react).isEqualTo(sent == null);
            if (event != null && event.isPresent()) {
                appended(model, event);
            }
        } else if (step instanceof MarkRead read) {
            String user = Names.nickKey(read.user());
            long offset = model.pick(read.pick(), 3);
            long marker = Math.min(offset, model.latest);
            Long before = model.markers.get(user);
            OptionalLong expected = before == null || marker > before ? OptionalLong.of(marker) : OptionalLong.empty();
            assertThat(broker.markRead(user, ROOM, offset).join()).as("%s", read).isEqualTo(expected);
            expected.ifPresent(moved -> model.markers.put(user, moved));
        }
    }

    /** The room event {@code action} made (empty when it changed nothing), or null when the broker refused it. */
    private static Optional<ServerEvent.RoomEvent> publish(MemoryBroker broker, RoomAction action) {
        try {
            return broker.publish(action).join();
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(RoomActionRefused.class);
            return null;
        }
    }

    private static void appended(Model model, Optional<ServerEvent.RoomEvent> event) {
        assertThat(event).isPresent();
        assertThat(event.get().offset()).isEqualTo(model.latest + 1);
        model.latest = event.get().offset();
    }
}
