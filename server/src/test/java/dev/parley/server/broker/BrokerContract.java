package dev.parley.server.broker;

import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ServerEvent;
import dev.parley.protocol.StreamPosition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.awaitility.Awaitility.await;

/**
 * What every {@link Broker} promises one node (see {@link Broker}, {@link BrokerListener} and the
 * history and recovery rules of docs/protocol.md): each implementation's test extends this and
 * says how its brokers are made. Deliveries may come on another thread, so they are awaited.
 *
 * <p>Where the implementations may differ, this says what both promise: an epoch names a room's
 * history (one for every room of a memory broker, one per room in Redis), so it is read per room;
 * a room that is not watched may or may not be delivered.
 */
abstract class BrokerContract {
    private static final Duration WITHIN = Duration.ofSeconds(5);

    /** A broker that keeps {@code historySize} messages per room and stamps messages with {@code clock}. */
    abstract Broker open(int historySize, LongSupplier clock);

    /**
     * Whether the broker keeps every event whatever {@code historySize} says (durable history, whose
     * retention is by age and count instead): the tests of what a bounded history forgets do not
     * apply to it (its own tests cover its retention).
     */
    boolean keepsEverything() {
        return false;
    }

    private void assumeBoundedHistory() {
        assumeFalse(keepsEverything(), "durable history keeps every event; its retention is tested apart");
    }

    private final AtomicLong time = new AtomicLong(1_000_000);
    private final Recorder recorder = new Recorder();

    /** What the node's hub would be handed; its direct messages reach the users in {@link #here}. */
    static final class Recorder implements BrokerListener {
        final Queue<Object> events = new ConcurrentLinkedQueue<>();
        final Queue<ServerEvent.Dm> directs = new ConcurrentLinkedQueue<>();
        final Queue<String> toUsers = new ConcurrentLinkedQueue<>();
        final Queue<String> disconnected = new ConcurrentLinkedQueue<>();
        final Set<String> here = ConcurrentHashMap.newKeySet();

        @Override
        public void onMessage(ServerEvent.RoomEvent message) {
            events.add(message);
        }

        @Override
        public void onRoomEvent(String room, String aboutNick, ServerEvent event) {
            events.add(aboutNick + ": " + event);
        }

        @Override
        public void onRoomLost(String room) {
            events.add("lost " + room);
        }

        @Override
        public void onUserEvent(String nick, String exceptSession, ServerEvent event) {
            toUsers.add(nick + " but " + exceptSession + ": " + event);
        }

        @Override
        public boolean onDisconnect(String nick) {
            disconnected.add(nick);
            return here.contains(nick);
        }

        @Override
        public boolean onDirect(ServerEvent.Dm dm, Predicate<String> toSessions) {
            directs.add(dm);
            return here.contains(dm.to());
        }

        List<ServerEvent.RoomEvent> roomEvents(String room) {
            return events.stream().filter(e -> e instanceof ServerEvent.RoomEvent r && r.room().equals(room))
                    .map(e -> (ServerEvent.RoomEvent) e).toList();
        }

        List<ServerEvent.Message> messages(String room) {
            return events.stream().filter(e -> e instanceof ServerEvent.Message m && m.room().equals(room))
                    .map(e -> (ServerEvent.Message) e).toList();
        }
    }

    /** A broker with {@code historySize}, the test's clock and listener. */
    private Broker broker(int historySize) {
        Broker broker = open(historySize, time::incrementAndGet);
        broker.listen(recorder);
        return broker;
    }

    private static List<ServerEvent.Message> publish(Broker broker, String room, int count) {
        List<ServerEvent.Message> published = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            published.add(broker.publish(room, "alice", "m" + i, null).join());
        }
        return published;
    }

    static List<Long> offsets(List<? extends ServerEvent.RoomEvent> messages) {
        return messages.stream().map(ServerEvent.RoomEvent::offset).toList();
    }

    static List<Long> range(long first, long last) {
        return LongStream.rangeClosed(first, last).boxed().toList();
    }

    private static String epoch(Broker broker, String room) {
        return broker.recover(room, null, 0, Integer.MAX_VALUE).join().epoch();
    }

    @Test
    void offsetsStartAtOneGrowByOnePerRoomAndMessagesAreDeliveredAsPublished() {
        Broker broker = broker(10);
        broker.watch("r").join();
        broker.watch("other").join();
        List<ServerEvent.Message> published = publish(broker, "r", 3);
        ServerEvent.Message other = broker.publish("other", "bob", "x", null).join();

        assertThat(offsets(published)).containsExactly(1L, 2L, 3L);
        assertThat(other.offset()).isEqualTo(1);
        assertThat(published.get(0)).isEqualTo(new ServerEvent.Message("r", 1, 1_000_001, "alice", "m1"));
        assertThat(published).extracting(ServerEvent.Message::ts).as("ts from the clock").containsExactly(
                1_000_001L, 1_000_002L, 1_000_003L);
        await().atMost(WITHIN).until(() -> recorder.messages("r").size() == 3 && recorder.messages("other").size() == 1);
        assertThat(recorder.messages("r")).isEqualTo(published);
        assertThat(recorder.messages("other")).containsExactly(other);
    }

    @Test
    void concurrentPublishesTakeEveryOffsetOnceAndAreDeliveredInOffsetOrder() {
        Broker broker = broker(100);
        broker.watch("r").join();
        List<CompletableFuture<ServerEvent.Message>> publishing = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            publishing.add(broker.publish("r", "u" + i, "m" + i, null));
        }
        List<Long> assigned = publishing.stream().map(p -> p.join().offset()).sorted().toList();
        assertThat(assigned).isEqualTo(range(1, 50));
        await().atMost(WITHIN).until(() -> recorder.messages("r").size() == 50);
        assertThat(offsets(recorder.messages("r"))).isEqualTo(range(1, 50));
    }

    @Test
    void roomEventsReachTheListenerInTheRoomsOrderWithItsMessagesAndAreNotKept() {
        Broker broker = broker(10);
        broker.watch("r").join();
        ServerEvent.Message first = broker.publish("r", "alice", "hi", null).join();
        ServerEvent.Typing typing = new ServerEvent.Typing("r", "bob");
        broker.broadcast("r", typing).join();
        ServerEvent.Presence joined = new ServerEvent.Presence("r", ServerEvent.PresenceKind.JOIN, "carol", 5);
        broker.broadcast("r", joined).join();
        ServerEvent.Message second = broker.publish("r", "alice", "again", null).join();

        await().atMost(WITHIN).until(() -> recorder.events.size() == 4);
        assertThat(recorder.events).containsExactly(first, "bob: " + typing, "carol: " + joined, second);
        assertThat(offsets(broker.history("r", new HistoryQuery(null, null, 10)).join().messages())).containsExactly(1L, 2L);
    }

    @Test
    void aRoomWatchedAgainAfterUnwatchDeliversItsNewMessagesOnceInOrder() {
        Broker broker = broker(10);
        assertThat(broker.watch("r")).as("a second watch shares the first's completion")
                .isSameAs(broker.watch("r"));
        broker.watch("r").join();
        publish(broker, "r", 1);
        await().atMost(WITHIN).until(() -> recorder.messages("r").size() == 1);
        broker.unwatch("r");
        broker.publish("r", "alice", "while unwatched", null).join();
        broker.watch("r").join();
        ServerEvent.Message third = broker.publish("r", "alice", "watched again", null).join();

        await().atMost(WITHIN).until(() -> recorder.messages("r").contains(third));
        List<Long> delivered = offsets(recorder.messages("r"));
        assertThat(delivered).as("strictly increasing, whether or not the unwatched one came").isSorted()
                .doesNotHaveDuplicates().contains(1L, 3L);
        assertThat(recorder.events).noneMatch(e -> e.equals("lost r"));
    }

    @Test
    void recoveryFromInsideTheKeptHistoryReturnsEveryMissedMessage() {
        Broker broker = broker(5);
        List<ServerEvent.Message> published = publish(broker, "r", 8);
        String epoch = epoch(broker, "r");

        Recovery missed = broker.recover("r", new StreamPosition(epoch, 3), 2, Integer.MAX_VALUE).join();
        assertThat(missed.recovered()).isTrue();
        assertThat(missed.epoch()).isEqualTo(epoch);
        assertThat(missed.offset()).isEqualTo(8);
        assertThat(missed.messages()).isEqualTo(published.subList(3, 8));

        Recovery current = broker.recover("r", new StreamPosition(epoch, 8), 2, Integer.MAX_VALUE).join();
        assertThat(current.recovered()).as("nothing missed").isTrue();
        assertThat(current.messages()).isEmpty();
        assertThat(current.offset()).isEqualTo(8);
    }

    @Test
    void recoveryFromAnotherEpochTooOldAnOffsetOrNoneReturnsTheLatestMessages() {
        assumeBoundedHistory();
        Broker broker = broker(5);
        publish(broker, "r", 8);
        String epoch = epoch(broker, "r");

        Recovery tooOld = broker.recover("r", new StreamPosition(epoch, 2), 2, Integer.MAX_VALUE).join();
        assertThat(tooOld.recovered()).as("message 3 is no longer kept").isFalse();
        assertThat(offsets(tooOld.messages())).containsExactly(7L, 8L);
        assertThat(tooOld.offset()).isEqualTo(8);

        Recovery otherEpoch = broker.recover("r", new StreamPosition("e-other", 7), 3, Integer.MAX_VALUE).join();
        assertThat(otherEpoch.recovered()).isFalse();
        assertThat(otherEpoch.epoch()).isEqualTo(epoch);
        assertThat(offsets(otherEpoch.messages())).containsExactly(6L, 7L, 8L);

        assertThat(broker.recover("r", new StreamPosition(epoch, 9), 2, Integer.MAX_VALUE).join().recovered())
                .as("ahead of the room").isFalse();
        Recovery none = broker.recover("r", null, 10, Integer.MAX_VALUE).join();
        assertThat(none.recovered()).isFalse();
        assertThat(offsets(none.messages())).as("no more than are kept").containsExactly(4L, 5L, 6L, 7L, 8L);
        assertThat(broker.recover("r", null, 0, Integer.MAX_VALUE).join().messages()).isEmpty();
    }

    @Test
    void aRoomWithoutMessagesRecoversFromOffsetZeroOfItsEpoch() {
        Broker broker = broker(5);
        String epoch = epoch(broker, "empty");
        assertThat(epoch).isNotBlank();
        Recovery fromZero = broker.recover("empty", new StreamPosition(epoch, 0), 5, Integer.MAX_VALUE).join();
        assertThat(fromZero.recovered()).isTrue();
        assertThat(fromZero.offset()).isZero();
        assertThat(fromZero.messages()).isEmpty();
        assertThat(broker.recover("empty", null, 5, Integer.MAX_VALUE).join().recovered()).isFalse();
        assertThat(epoch(broker, "empty")).as("the epoch stays while the history lives").isEqualTo(epoch);
    }

    @Test
    void historyPagesBackwardsThroughTheKeptMessagesOldestFirst() {
        assumeBoundedHistory();
        Broker broker = broker(5);
        List<ServerEvent.Message> published = publish(broker, "r", 8);
        String epoch = epoch(broker, "r");

        HistorySlice latest = broker.history("r", new HistoryQuery(null, null, 3)).join();
        assertThat(latest.epoch()).isEqualTo(epoch);
        assertThat(latest.messages()).isEqualTo(published.subList(5, 8));
        assertThat(offsets(broker.history("r", HistoryQuery.before(6, 50)).join().messages())).as("bounded by the history size")
                .containsExactly(4L, 5L);
        assertThat(offsets(broker.history("r", HistoryQuery.before(8, 2)).join().messages())).containsExactly(6L, 7L);
        assertThat(offsets(broker.history("r", HistoryQuery.before(100, 2)).join().messages())).containsExactly(7L, 8L);
        assertThat(broker.history("r", HistoryQuery.before(4, 50)).join().messages()).isEmpty();
        assertThat(broker.history("r", HistoryQuery.before(1, 50)).join().messages()).isEmpty();

        HistorySlice missing = broker.history("missing", new HistoryQuery(null, null, 50)).join();
        assertThat(missing.messages()).isEmpty();
        assertThat(missing.epoch()).as("the room's current epoch").isEqualTo(epoch(broker, "missing"));
    }

    @Test
    void aHistoryOfZeroKeepsNothingButOffsetsAndRecoveryFromTheLatestGoOn() {
        assumeBoundedHistory();
        Broker broker = broker(0);
        publish(broker, "r", 2);
        assertThat(broker.history("r", new HistoryQuery(null, null, 10)).join().messages()).isEmpty();
        String epoch = epoch(broker, "r");
        assertThat(broker.recover("r", new StreamPosition(epoch, 2), 5, Integer.MAX_VALUE).join().recovered()).isTrue();
        assertThat(broker.recover("r", new StreamPosition(epoch, 1), 5, Integer.MAX_VALUE).join().recovered()).isFalse();
        assertThat(broker.publish("r", "alice", "m3", null).join().offset()).isEqualTo(3);
    }

    @Test
    void directMessagesReachAWatchedUserAndReportWhenNobodyReceivedThem() {
        Broker broker = broker(5);
        recorder.here.add("bob");
        broker.watchUser("bob").join();
        ServerEvent.Dm toBob = new ServerEvent.Dm("alice", "bob", "psst", 7);
        assertThat(broker.direct(toBob).join()).isTrue();
        await().atMost(WITHIN).until(() -> recorder.directs.contains(toBob));
        assertThat(broker.direct(new ServerEvent.Dm("alice", "nobody", "hello?", 8)).join()).isFalse();

        recorder.here.remove("bob");
        broker.unwatchUser("bob");
        await().atMost(WITHIN).until(() -> !broker.direct(new ServerEvent.Dm("alice", "bob", "gone?", 9)).join());
    }

    @Test
    void disconnectReachesAWatchedUserAndSaysWhetherAnyNodeHadASession() {
        Broker broker = broker(5);
        recorder.here.add("bob");
        broker.watchUser("bob").join();
        assertThat(broker.disconnect("bob").join()).isTrue();
        await().atMost(WITHIN).until(() -> recorder.disconnected.contains("bob"));
        assertThat(broker.disconnect("nobody").join()).isFalse();
        assertThat(recorder.events).as("nothing for the rooms").isEmpty();
        assertThat(recorder.toUsers).as("nothing for the user's sessions to read").isEmpty();

        recorder.here.remove("bob");
        broker.unwatchUser("bob");
        await().atMost(WITHIN).until(() -> !broker.disconnect("bob").join());
    }

    @Test
    void roomsWithHistoryAreTheRoomsWithMessagesWithTheirLatestOffsets() {
        Broker broker = broker(5);
        assertThat(broker.roomsWithHistory().join()).isEmpty();
        publish(broker, "r", 7);
        publish(broker, "s", 1);
        broker.recover("quiet", null, 5, Integer.MAX_VALUE).join();
        broker.history("silent", new HistoryQuery(null, null, 5)).join();
        assertThat(broker.roomsWithHistory().join()).isEqualTo(Map.of("r", 7L, "s", 1L));
    }

    @Test
    void aNonceTheSenderUsedInTheRoomPublishesNothingAndAnswersTheFirstMessage() {
        Broker broker = broker(5);
        broker.watch("r").join();
        ServerEvent.Message first = broker.publish("r", "alice", "hi", "n-1").join();
        broker.publish("r", "alice", "other", "n-2").join();

        assertThat(broker.sentWith("r", "alice", "n-1").join()).isTrue();
        assertThat(broker.sentWith("r", "Alice", "n-2").join()).as("the same user").isTrue();
        assertThat(broker.sentWith("r", "alice", "n-3").join()).as("unused").isFalse();
        assertThat(broker.sentWith("r", "bob", "n-1").join()).as("another sender's").isFalse();
        assertThat(broker.sentWith("s", "alice", "n-1").join()).as("another room's").isFalse();
        assertThat(broker.publish("r", "alice", "hi", "n-1").join()).as("same offset and ts").isEqualTo(first);
        assertThat(broker.publish("r", "ALICE", "hi, edited", "n-1").join()).as("the same user, the first text")
                .isEqualTo(first);
        assertThat(broker.publish("r", "bob", "hi", "n-1").join().offset()).as("another sender's").isEqualTo(3);
        assertThat(broker.publish("s", "alice", "hi", "n-1").join().offset()).as("another room's").isEqualTo(1);
        ServerEvent.Message last = broker.publish("r", "alice", "no nonce", null).join();

        await().atMost(WITHIN).until(() -> recorder.messages("r").contains(last));
        assertThat(offsets(recorder.messages("r"))).as("delivered once each").containsExactly(1L, 2L, 3L, 4L);
        assertThat(offsets(broker.history("r", new HistoryQuery(null, null, 10)).join().messages()))
                .containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void aNonceIsKeptOnlyWhileItsMessageIs() {
        assumeBoundedHistory();
        Broker broker = broker(2);
        broker.publish("r", "alice", "first", "n-1").join();
        broker.publish("r", "alice", "second", "n-2").join();
        assertThat(broker.publish("r", "alice", "second", "n-2").join().offset()).isEqualTo(2);
        broker.publish("r", "alice", "third", null).join();
        assertThat(broker.sentWith("r", "alice", "n-1").join()).as("message 1 left the history").isFalse();
        assertThat(broker.sentWith("r", "alice", "n-2").join()).isTrue();
        assertThat(broker.publish("r", "alice", "first", "n-1").join().offset()).as("message 1 left the history")
                .isEqualTo(4);
        assertThat(broker.publish("r", "alice", "first", "n-1").join().offset()).as("its new message is kept")
                .isEqualTo(4);

        Broker forgetful = broker(0);
        assertThat(forgetful.publish("q", "alice", "x", "n-1").join().offset()).isEqualTo(1);
        assertThat(forgetful.sentWith("q", "alice", "n-1").join()).isFalse();
        assertThat(forgetful.publish("q", "alice", "x", "n-1").join().offset()).as("nothing kept").isEqualTo(2);
    }

    @Test
    void historyAfterAnOffsetReadsForwardOldestFirst() {
        assumeBoundedHistory();
        Broker broker = broker(5);
        List<ServerEvent.Message> published = publish(broker, "r", 8);

        HistorySlice next = broker.history("r", HistoryQuery.after(5, 2)).join();
        assertThat(next.messages()).isEqualTo(published.subList(5, 7));
        assertThat(next.epoch()).isEqualTo(epoch(broker, "r"));
        assertThat(offsets(broker.history("r", HistoryQuery.after(6, 50)).join().messages())).containsExactly(7L, 8L);
        assertThat(offsets(broker.history("r", HistoryQuery.after(0, 2)).join().messages()))
                .as("from the oldest kept").containsExactly(4L, 5L);
        assertThat(broker.history("r", HistoryQuery.after(8, 50)).join().messages()).isEmpty();
        assertThat(broker.history("r", HistoryQuery.after(Long.MAX_VALUE, 50)).join().messages()).isEmpty();
        assertThat(broker.history("missing", HistoryQuery.after(0, 50)).join().messages()).isEmpty();
    }

    @Test
    void recoveryOfMoreThanRecoverMaxSaysHowManyWereMissedBeforeTheLatest() {
        Broker broker = broker(10);
        List<ServerEvent.Message> published = publish(broker, "r", 8);
        String epoch = epoch(broker, "r");

        Recovery tooMany = broker.recover("r", new StreamPosition(epoch, 2), 3, 4).join();
        assertThat(tooMany.recovered()).isFalse();
        assertThat(tooMany.epoch()).isEqualTo(epoch);
        assertThat(tooMany.messages()).isEqualTo(published.subList(5, 8));
        assertThat(tooMany.missed()).as("3, 4 and 5").isEqualTo(3);
        assertThat(broker.recover("r", new StreamPosition(epoch, 2), 0, 4).join().missed()).isEqualTo(6);

        Recovery atMost = broker.recover("r", new StreamPosition(epoch, 4), 3, 4).join();
        assertThat(atMost.recovered()).isTrue();
        assertThat(atMost.messages()).isEqualTo(published.subList(4, 8));
        assertThat(atMost.missed()).isZero();
        assertThat(broker.recover("r", new StreamPosition("e-other", 2), 3, 4).join().missed())
                .as("another epoch's offsets mean nothing here").isZero();
        assertThat(broker.recover("r", null, 3, 4).join().missed()).isZero();
    }

    /** {@code events} as a list that assertions can compare with any room events. */
    private static List<ServerEvent.RoomEvent> asEvents(List<? extends ServerEvent.RoomEvent> events) {
        return List.copyOf(events);
    }

    private static ServerEvent.RoomEvent act(Broker broker, RoomAction action) {
        return broker.publish(action).join().orElseThrow();
    }

    /** The error code {@code action} is refused with; nothing is published. */
    private static ErrorCode refusal(Broker broker, RoomAction action) {
        long before = broker.recover(action.room(), null, 0, 0).join().offset();
        CompletionException e = catchThrowableOfType(CompletionException.class, () -> broker.publish(action).join());
        assertThat(e).as("%s is refused", action).isNotNull();
        assertThat(e.getCause()).isInstanceOf(RoomActionRefused.class);
        assertThat(broker.recover(action.room(), null, 0, 0).join().offset()).as("nothing published").isEqualTo(before);
        return ((RoomActionRefused) e.getCause()).code();
    }

    @Test
    void editsDeletesReactionsAndRepliesTakeTheRoomsNextOffsetsAndAreDeliveredInOrder() {
        Broker broker = broker(50);
        broker.watch("r").join();
        ServerEvent.Message hello = broker.publish("r", "alice", "helo", null).join();
        ServerEvent.RoomEvent reply = act(broker, new RoomAction.Send("r", "bob", "+1", null, 1L));
        ServerEvent.RoomEvent edit = act(broker, new RoomAction.Edit("r", "alice", 1, "hello"));
        ServerEvent.RoomEvent reaction = act(broker, new RoomAction.React("r", "bob", 1, "\ud83d\udc4d", true));
        ServerEvent.RoomEvent delete = act(broker, new RoomAction.Delete("r", "bob", 2, false));

        assertThat(reply).isEqualTo(new ServerEvent.Message("r", 2, 1_000_002, "bob", "+1", 1L, null, null, null));
        assertThat(edit).isEqualTo(new ServerEvent.Edit("r", 3, 1, "alice", "hello", 1_000_003));
        assertThat(reaction).isEqualTo(new ServerEvent.Reaction("r", 4, 1, "bob", "\ud83d\udc4d", true, 1_000_004));
        assertThat(delete).isEqualTo(new ServerEvent.Delete("r", 5, 2, "bob", 1_000_005));
        await().atMost(WITHIN).until(() -> recorder.roomEvents("r").size() == 5);
        assertThat(recorder.roomEvents("r")).containsExactly(hello, reply, edit, reaction, delete);
        ServerEvent.Message after = broker.publish("r", "alice", "next", null).join();
        assertThat(after.offset()).as("messages go on after the other room events").isEqualTo(6);
    }

    @Test
    void historyListsMessagesWithTheirStateAndWithAllEventsTheLogWithoutDeletedText() {
        Broker broker = broker(50);
        broker.publish("r", "alice", "helo", null).join();
        broker.publish("r", "bob", "secret", null).join();
        act(broker, new RoomAction.Edit("r", "alice", 1, "hello"));
        act(broker, new RoomAction.Edit("r", "bob", 2, "more secret"));
        act(broker, new RoomAction.React("r", "bob", 1, "+", true));
        act(broker, new RoomAction.React("r", "carol", 1, "+", true));
        act(broker, new RoomAction.React("r", "carol", 1, "x", true));
        act(broker, new RoomAction.React("r", "carol", 2, "x", true));
        act(broker, new RoomAction.Delete("r", "bob", 2, false));

        List<ServerEvent.RoomEvent> messages = asEvents(broker.history("r", new HistoryQuery(null, null, 50)).join().messages());
        assertThat(messages).containsExactly(
                new ServerEvent.Message("r", 1, 1_000_001, "alice", "hello", null, 1_000_003L, null, List.of(
                        new ServerEvent.ReactionCount("+", 2, List.of("bob", "carol")),
                        new ServerEvent.ReactionCount("x", 1, List.of("carol")))),
                new ServerEvent.Message("r", 2, 1_000_002, "bob", null, null, null, true, null));
        assertThat(broker.history("r", new HistoryQuery(null, null, 1)).join().messages())
                .as("the limit counts messages").extracting(ServerEvent.RoomEvent::offset).containsExactly(2L);
        assertThat(broker.history("r", HistoryQuery.after(1, 1)).join().messages())
                .extracting(ServerEvent.RoomEvent::offset).containsExactly(2L);

        List<ServerEvent.RoomEvent> log = asEvents(broker.history("r", new HistoryQuery(null, null, 50, true)).join().messages());
        assertThat(log).containsExactly(
                new ServerEvent.Message("r", 1, 1_000_001, "alice", "helo"),
                new ServerEvent.Message("r", 2, 1_000_002, "bob", null, null, null, true, null),
                new ServerEvent.Edit("r", 3, 1, "alice", "hello", 1_000_003),
                new ServerEvent.Edit("r", 4, 2, "bob", null, 1_000_004),
                new ServerEvent.Reaction("r", 5, 1, "bob", "+", true, 1_000_005),
                new ServerEvent.Reaction("r", 6, 1, "carol", "+", true, 1_000_006),
                new ServerEvent.Reaction("r", 7, 1, "carol", "x", true, 1_000_007),
                new ServerEvent.Reaction("r", 8, 2, "carol", "x", true, 1_000_008),
                new ServerEvent.Delete("r", 9, 2, "bob", 1_000_009));
        assertThat(broker.history("r", HistoryQuery.after(7, 50).ofAllEvents()).join().messages())
                .extracting(ServerEvent.RoomEvent::offset).containsExactly(8L, 9L);
        assertThat(broker.history("r", HistoryQuery.before(3, 50).ofAllEvents()).join().messages())
                .extracting(ServerEvent.RoomEvent::offset).containsExactly(1L, 2L);
    }

    @Test
    void recoveryDeliversTheLogAndAJoinWithoutRecoveryTheMessagesWithTheirState() {
        Broker broker = broker(50);
        broker.publish("r", "alice", "one", null).join();
        String epoch = epoch(broker, "r");
        act(broker, new RoomAction.Edit("r", "alice", 1, "uno"));
        broker.publish("r", "alice", "two", null).join();
        act(broker, new RoomAction.Delete("r", "alice", 3, false));

        Recovery recovered = broker.recover("r", new StreamPosition(epoch, 1), 10, 100).join();
        assertThat(recovered.recovered()).isTrue();
        assertThat(recovered.offset()).isEqualTo(4);
        assertThat(asEvents(recovered.messages())).containsExactly(
                new ServerEvent.Edit("r", 2, 1, "alice", "uno", 1_000_002),
                new ServerEvent.Message("r", 3, 1_000_003, "alice", null, null, null, true, null),
                new ServerEvent.Delete("r", 4, 3, "alice", 1_000_004));

        Recovery latest = broker.recover("r", null, 10, 100).join();
        assertThat(latest.recovered()).isFalse();
        assertThat(asEvents(latest.messages())).containsExactly(
                new ServerEvent.Message("r", 1, 1_000_001, "alice", "uno", null, 1_000_002L, null, null),
                new ServerEvent.Message("r", 3, 1_000_003, "alice", null, null, null, true, null));
        Recovery tooMany = broker.recover("r", new StreamPosition(epoch, 1), 1, 2).join();
        assertThat(tooMany.messages()).extracting(ServerEvent.RoomEvent::offset).containsExactly(3L);
        assertThat(tooMany.missed()).as("the edit at 2").isEqualTo(1);
    }

    @Test
    void actionsOnMissingDeletedOrForeignMessagesAreRefusedAndPublishNothing() {
        Broker broker = broker(50);
        broker.publish("r", "alice", "mine", null).join();
        act(broker, new RoomAction.Edit("r", "alice", 1, "still mine"));
        broker.publish("r", "bob", "gone", null).join();
        act(broker, new RoomAction.Delete("r", "bob", 3, false));

        assertThat(refusal(broker, new RoomAction.Edit("r", "alice", 9, "x"))).as("beyond the room").isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(refusal(broker, new RoomAction.React("r", "bob", 2, "+", true))).as("an edit is no message")
                .isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(refusal(broker, new RoomAction.Edit("r", "bob", 3, "x"))).as("deleted").isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(refusal(broker, new RoomAction.Delete("r", "bob", 3, true))).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(refusal(broker, new RoomAction.React("r", "bob", 3, "+", true))).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(refusal(broker, new RoomAction.Send("r", "bob", "re", null, 3L))).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(refusal(broker, new RoomAction.Send("r", "bob", "re", null, 2L))).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(refusal(broker, new RoomAction.Edit("missing", "bob", 1, "x"))).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(refusal(broker, new RoomAction.Edit("r", "bob", 1, "x"))).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(refusal(broker, new RoomAction.Delete("r", "bob", 1, false))).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(refusal(broker, new RoomAction.Edit("r", "carol", 1, "x"))).as("a moderator deletes, never edits")
                .isEqualTo(ErrorCode.FORBIDDEN);

        assertThat(act(broker, new RoomAction.Edit("r", "ALICE", 1, "nicks ignore case")).offset()).isEqualTo(5);
        assertThat(act(broker, new RoomAction.Delete("r", "mod", 1, true))).as("a moderator's")
                .extracting(ServerEvent.RoomEvent::offset, ServerEvent.RoomEvent::from).containsExactly(6L, "mod");
    }

    @Test
    void aReactionThatChangesNothingPublishesNothingAndAMessageHoldsAtMostTwentyEmoji() {
        Broker broker = broker(50);
        broker.watch("r").join();
        broker.publish("r", "alice", "react to me", null).join();
        assertThat(act(broker, new RoomAction.React("r", "bob", 1, "+", true)).offset()).isEqualTo(2);
        assertThat(broker.publish(new RoomAction.React("r", "BOB", 1, "+", true)).join()).as("already on").isEmpty();
        assertThat(broker.publish(new RoomAction.React("r", "bob", 1, "-", false)).join()).as("never on").isEmpty();
        assertThat(act(broker, new RoomAction.React("r", "Bob", 1, "+", false)).offset()).isEqualTo(3);
        assertThat(broker.publish(new RoomAction.React("r", "bob", 1, "+", false)).join()).as("already off").isEmpty();

        for (int i = 1; i <= 20; i++) {
            act(broker, new RoomAction.React("r", "bob", 1, "e" + i, true));
        }
        assertThat(refusal(broker, new RoomAction.React("r", "carol", 1, "e21", true))).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(act(broker, new RoomAction.React("r", "carol", 1, "e20", true)).offset()).as("one of the twenty").isEqualTo(24);
        act(broker, new RoomAction.React("r", "bob", 1, "e1", false));
        assertThat(act(broker, new RoomAction.React("r", "carol", 1, "e21", true)).offset()).as("a place was freed").isEqualTo(26);
        await().atMost(WITHIN).until(() -> recorder.roomEvents("r").size() == 26);
    }

    @Test
    void aReactionListsAtMostTwentyNicksButCountsThemAll() {
        Broker broker = broker(50);
        broker.publish("r", "alice", "popular", null).join();
        for (int i = 1; i <= 25; i++) {
            act(broker, new RoomAction.React("r", "u" + i, 1, "+", true));
        }
        ServerEvent.Message stated = (ServerEvent.Message) broker.history("r", new HistoryQuery(null, null, 1)).join().messages().get(0);
        assertThat(stated.reactions()).hasSize(1);
        assertThat(stated.reactions().get(0).count()).isEqualTo(25);
        assertThat(stated.reactions().get(0).nicks()).hasSize(20).startsWith("u1", "u2");
    }

    @Test
    void aMessageThatLeftTheBoundedHistoryCanNoLongerBeEditedNorAnswered() {
        Broker broker = broker(3);
        assumeBoundedHistory();
        broker.publish("r", "alice", "old", null).join();
        act(broker, new RoomAction.React("r", "bob", 1, "+", true));
        act(broker, new RoomAction.React("r", "carol", 1, "+", true));
        assertThat(act(broker, new RoomAction.Edit("r", "alice", 1, "still kept")).offset()).isEqualTo(4);
        assertThat(refusal(broker, new RoomAction.Edit("r", "alice", 1, "x"))).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(refusal(broker, new RoomAction.Send("r", "bob", "re", null, 1L))).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(broker.history("r", new HistoryQuery(null, null, 10)).join().messages()).as("no message left").isEmpty();
    }

    @Test
    void deletingTheOldestKeptMessageLeavesTheLogInOrder() {
        Broker broker = broker(2);
        assumeBoundedHistory();
        broker.publish("r", "alice", "oldest", null).join();
        broker.publish("r", "alice", "newer", null).join();
        act(broker, new RoomAction.Delete("r", "alice", 1, false));
        assertThat(asEvents(broker.history("r", new HistoryQuery(null, null, 10, true)).join().messages())).containsExactly(
                new ServerEvent.Message("r", 2, 1_000_002, "alice", "newer"),
                new ServerEvent.Delete("r", 3, 1, "alice", 1_000_003));
    }

    @Test
    void aRepeatedNonceAfterTheMessageWasDeletedGetsTheFirstAckWithoutItsText() {
        Broker broker = broker(50);
        ServerEvent.Message first = broker.publish("r", "alice", "oops", "n-1").join();
        act(broker, new RoomAction.Delete("r", "alice", 1, false));
        Optional<ServerEvent.RoomEvent> again = broker.publish(new RoomAction.Send("r", "alice", "oops", "n-1", null)).join();
        assertThat(again.orElseThrow().offset()).isEqualTo(first.offset());
        assertThat(again.orElseThrow().ts()).isEqualTo(first.ts());
        assertThat(((ServerEvent.Message) again.orElseThrow()).text()).isNull();
    }

    private void assumeReadState(Broker broker) {
        assumeTrue(broker.features().contains(ReadState.FEATURE), "this broker keeps no read state");
    }

    private static ServerEvent.UnreadRoom unreadIn(Broker broker, String user, String room) {
        return broker.unread(user).join().stream().filter(r -> r.room().equals(room)).findFirst().orElse(null);
    }

    @Test
    void aReadMarkerOnlyMovesForwardAndIsClampedToTheRoomsLatestOffset() {
        Broker broker = broker(50);
        assumeReadState(broker);
        publish(broker, "r", 5);

        assertThat(broker.markRead("bob", "r", 2).join()).as("a first marker").isEqualTo(OptionalLong.of(2));
        assertThat(broker.markRead("bob", "r", 1).join()).as("never back").isEmpty();
        assertThat(broker.markRead("bob", "r", 2).join()).as("where it is").isEmpty();
        assertThat(broker.markRead("bob", "r", 99).join()).as("clamped").isEqualTo(OptionalLong.of(5));
        assertThat(broker.markRead("bob", "r", 6).join()).as("clamped where it is").isEmpty();
        assertThat(broker.unread("bob").join()).containsExactly(new ServerEvent.UnreadRoom("r", 5, 0, 0));
        assertThat(broker.unread("carol").join()).as("markers are per user").isEmpty();
    }

    @Test
    void unreadCountsOthersMessagesAfterTheMarkerAndThoseThatMentionTheUser() {
        Broker broker = broker(50);
        assumeReadState(broker);
        broker.publish("r", "alice", "before", null).join();
        broker.markRead("bob", "r", 1).join();
        broker.publish("r", "alice", "hi @Bob.", null).join();
        broker.publish("r", "BOB", "my own, @bob", null).join();
        broker.publish("r", "carol", "@bobby is not @bob's", null).join();
        act(broker, new RoomAction.React("r", "carol", 2, "+", true));
        broker.publish("r", "dave", "plain", null).join();

        assertThat(unreadIn(broker, "bob", "r")).as("3 messages of others, 2 of them mention bob; reactions and own messages do not count")
                .isEqualTo(new ServerEvent.UnreadRoom("r", 1, 3, 2));
        assertThat(unreadIn(broker, "alice", "r")).as("no marker, no entry").isNull();
        broker.markRead("bob", "r", 4).join();
        assertThat(unreadIn(broker, "bob", "r")).isEqualTo(new ServerEvent.UnreadRoom("r", 4, 1, 0));
    }

    @Test
    void unreadCountsStayRightAcrossEditsAndDeletes() {
        Broker broker = broker(50);
        assumeReadState(broker);
        broker.publish("r", "alice", "start", null).join();
        broker.markRead("bob", "r", 1).join();
        broker.publish("r", "alice", "hey @bob", null).join();
        broker.publish("r", "alice", "nothing here", null).join();
        broker.publish("r", "carol", "also nothing", null).join();
        assertThat(unreadIn(broker, "bob", "r")).isEqualTo(new ServerEvent.UnreadRoom("r", 1, 3, 1));

        act(broker, new RoomAction.Edit("r", "alice", 2, "hey everyone"));
        act(broker, new RoomAction.Edit("r", "alice", 3, "now @Bob too"));
        assertThat(unreadIn(broker, "bob", "r")).as("an edit moves the mention, and is no message itself")
                .isEqualTo(new ServerEvent.UnreadRoom("r", 1, 3, 1));

        act(broker, new RoomAction.Delete("r", "alice", 3, false));
        assertThat(unreadIn(broker, "bob", "r")).as("a deleted message counts no more")
                .isEqualTo(new ServerEvent.UnreadRoom("r", 1, 2, 0));
        act(broker, new RoomAction.Delete("r", "bob", 4, true));
        assertThat(unreadIn(broker, "bob", "r")).isEqualTo(new ServerEvent.UnreadRoom("r", 1, 1, 0));
        assertThat(broker.markRead("bob", "r", 100).join()).as("the room's latest is the delete's offset").isEqualTo(OptionalLong.of(8));
        assertThat(unreadIn(broker, "bob", "r")).isEqualTo(new ServerEvent.UnreadRoom("r", 8, 0, 0));
    }

    @Test
    void unreadListsEveryRoomWithAMarkerInNameOrderUntilItIsForgotten() {
        Broker broker = broker(50);
        assumeReadState(broker);
        for (String room : List.of("zeta", "alpha", "mid")) {
            broker.publish(room, "alice", "one @carol", null).join();
            broker.publish(room, "alice", "two", null).join();
            broker.markRead("carol", room, 1).join();
        }
        assertThat(broker.unread("carol").join()).containsExactly(
                new ServerEvent.UnreadRoom("alpha", 1, 1, 0),
                new ServerEvent.UnreadRoom("mid", 1, 1, 0),
                new ServerEvent.UnreadRoom("zeta", 1, 1, 0));

        broker.forget("carol", "mid").join();
        broker.forget("carol", "nowhere").join();
        assertThat(broker.unread("carol").join()).extracting(ServerEvent.UnreadRoom::room).containsExactly("alpha", "zeta");
        assertThat(broker.markRead("carol", "mid", 1).join()).as("a forgotten marker starts again").isEqualTo(OptionalLong.of(1));
    }

    @Test
    void aMovedMarkerReachesTheUsersOtherSessionsThroughTheLiveEvents() {
        Broker broker = broker(50);
        assumeReadState(broker);
        broker.watchUser("bob").join();
        broker.toUser("bob", "s-1", new ServerEvent.Read("r", 7)).join();
        await().atMost(WITHIN).until(() -> !recorder.toUsers.isEmpty());
        assertThat(recorder.toUsers).containsExactly("bob but s-1: " + new ServerEvent.Read("r", 7));
    }
}
