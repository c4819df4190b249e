package dev.parley.client;

import dev.parley.protocol.ServerEvent;
import dev.parley.protocol.StreamPosition;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

class RoomTrackerTest {
    private final RoomTracker tracker = new RoomTracker();

    private static ServerEvent.Message message(long offset) {
        return new ServerEvent.Message("general", offset, 1000 + offset, "bob", "m" + offset);
    }

    private static ServerEvent.Joined joined(String epoch, long offset, boolean recovered, long... messages) {
        return new ServerEvent.Joined(null, "general", epoch, offset, List.of("alice"), 1, recovered,
                Arrays.stream(messages).mapToObj(RoomTrackerTest::message).toList(), null);
    }

    private static ServerEvent.Edit edit(long offset, long target) {
        return new ServerEvent.Edit("general", offset, target, "bob", "edited " + target, 1000 + offset);
    }

    private static List<Long> offsets(List<? extends ServerEvent.RoomEvent> events) {
        return events.stream().map(ServerEvent.RoomEvent::offset).toList();
    }

    private void joinedAt(long offset) {
        tracker.joinSent("general");
        tracker.joined(joined("e1", offset, false, LongStream.rangeClosed(Math.max(1, offset - 2), offset).toArray()));
    }

    @Test
    void aFirstJoinSetsThePositionAndDeliversNoHistory() {
        tracker.joinSent("general");
        RoomTracker.Outcome outcome = tracker.joined(joined("e1", 5, false, 3, 4, 5));

        assertThat(outcome.gap()).isNull();
        assertThat(outcome.events()).isEmpty();
        assertThat(tracker.since("general")).isEqualTo(new StreamPosition("e1", 5));
    }

    @Test
    void liveMessagesAreDeliveredOnceInOrder() {
        joinedAt(5);

        assertThat(offsets(tracker.event(message(6)))).containsExactly(6L);
        assertThat(tracker.event(message(6))).isEmpty();
        assertThat(tracker.event(message(4))).isEmpty();
        assertThat(offsets(tracker.event(message(7)))).containsExactly(7L);
        assertThat(tracker.since("general")).isEqualTo(new StreamPosition("e1", 7));
    }

    @Test
    void messagesArrivingBeforeTheJoinedReplyAreHeldAndDeduplicated() {
        tracker.joinSent("general");
        assertThat(tracker.event(message(5))).isEmpty();
        assertThat(tracker.event(message(6))).isEmpty();

        RoomTracker.Outcome outcome = tracker.joined(joined("e1", 5, false, 4, 5));

        assertThat(offsets(outcome.events())).containsExactly(6L);
        assertThat(tracker.since("general")).isEqualTo(new StreamPosition("e1", 6));
    }

    @Test
    void aRejoinDeliversOnlyWhatWasMissed() {
        joinedAt(5);
        tracker.event(message(6));
        tracker.connectionLost();
        assertThat(tracker.positions()).containsEntry("general", new StreamPosition("e1", 6));

        tracker.joinSent("general");
        tracker.event(message(9)); // live, before the reply: held
        RoomTracker.Outcome outcome = tracker.joined(joined("e1", 8, true, 6, 7, 8));

        assertThat(outcome.gap()).isNull();
        assertThat(offsets(outcome.events())).containsExactly(7L, 8L, 9L);
    }

    @Test
    void anUnrecoveredRejoinReportsAGapThenTheLatestMessages() {
        joinedAt(5);
        tracker.connectionLost();

        tracker.joinSent("general");
        RoomTracker.Outcome outcome = tracker.joined(joined("e1", 40, false, 38, 39, 40));

        assertThat(outcome.gap()).isEqualTo(new Gap("general", new StreamPosition("e1", 5), "e1", 40, null));
        assertThat(outcome.gap().historyLost()).isFalse();
        assertThat(offsets(outcome.events())).containsExactly(38L, 39L, 40L);
    }

    @Test
    void aRejoinPastTheServersRecoverMaxReportsHowManyItMissed() {
        joinedAt(5);
        tracker.connectionLost();

        tracker.joinSent("general");
        ServerEvent.Joined tooLong = joined("e1", 40, false, 39, 40);
        RoomTracker.Outcome outcome = tracker.joined(new ServerEvent.Joined(null, "general", "e1", 40, List.of("alice"), 1,
                false, tooLong.messages(), 33L));

        assertThat(outcome.gap()).isEqualTo(new Gap("general", new StreamPosition("e1", 5), "e1", 40, 33L));
        assertThat(offsets(outcome.events())).containsExactly(39L, 40L);
    }

    @Test
    void aNewEpochIsAGapAndStartsTheOffsetsAgain() {
        joinedAt(50);
        tracker.connectionLost();

        tracker.joinSent("general");
        RoomTracker.Outcome outcome = tracker.joined(joined("e2", 2, false, 1, 2));

        assertThat(outcome.gap().historyLost()).isTrue();
        assertThat(offsets(outcome.events())).containsExactly(1L, 2L);
        assertThat(tracker.since("general")).isEqualTo(new StreamPosition("e2", 2));
        assertThat(offsets(tracker.event(message(3)))).containsExactly(3L);
    }

    @Test
    void aFailedFirstJoinForgetsTheRoomAndItsHeldMessages() {
        tracker.joinSent("general");
        tracker.event(message(1));

        assertThat(tracker.joinFailed("general")).isEmpty();
        assertThat(tracker.isJoined("general")).isFalse();
        assertThat(tracker.event(message(2))).isEmpty();
    }

    @Test
    void aFailedRepeatJoinReleasesTheHeldMessages() {
        joinedAt(5);
        tracker.joinSent("general");
        tracker.event(message(6));

        assertThat(offsets(tracker.joinFailed("general"))).containsExactly(6L);
    }

    @Test
    void leftRoomsAndUnjoinedRoomsDeliverNothing() {
        joinedAt(5);
        tracker.left("general");

        assertThat(tracker.event(message(6))).isEmpty();
        assertThat(tracker.positions()).isEmpty();
    }

    @Test
    void joinsInFlightAreForgottenWithTheConnection() {
        tracker.joinSent("general");
        tracker.connectionLost();

        assertThat(tracker.positions()).isEmpty();
        assertThat(tracker.event(message(1))).isEmpty();
    }

    @Test
    void everyTypeOfRoomEventMovesThePosition() {
        joinedAt(5);

        assertThat(tracker.event(edit(6, 5))).containsExactly(edit(6, 5));
        assertThat(tracker.event(edit(6, 5))).as("a duplicate").isEmpty();
        ServerEvent.Reaction reaction = new ServerEvent.Reaction("general", 7, 5, "bob", "👍", true, 1007);
        assertThat(tracker.event(reaction)).containsExactly(reaction);
        assertThat(tracker.since("general")).isEqualTo(new StreamPosition("e1", 7));
    }

    @Test
    void aRejoinAfterAnEditNeitherRepeatsNorSkips() {
        joinedAt(5);
        tracker.event(message(6));
        tracker.event(edit(7, 6));
        tracker.connectionLost();
        assertThat(tracker.positions()).containsEntry("general", new StreamPosition("e1", 7));

        tracker.joinSent("general");
        ServerEvent.Delete delete = new ServerEvent.Delete("general", 9, 6, "bob", 1009);
        List<ServerEvent.RoomEvent> log = List.of(edit(7, 6), message(8), delete);
        RoomTracker.Outcome outcome = tracker.joined(new ServerEvent.Joined(null, "general", "e1", 9, List.of("alice"), 1,
                true, log, null));

        assertThat(outcome.gap()).isNull();
        assertThat(outcome.events()).containsExactly(message(8), delete);
    }

    @Test
    void heldEditsAreReleasedInOrderWithTheMessages() {
        joinedAt(5);
        tracker.joinSent("general");
        tracker.event(message(6));
        tracker.event(edit(7, 6));

        assertThat(offsets(tracker.joined(joined("e1", 5, true)).events())).containsExactly(6L, 7L);
    }

    @Test
    void aRoomTheServerJoinsIsTrackedFromItsPositionAndItsJoinAgainChangesNothing() {
        assertThat(tracker.joinedByServer(joined("e1", 5, false, 4, 5))).isTrue();
        assertThat(tracker.since("general")).isEqualTo(new StreamPosition("e1", 5));
        assertThat(offsets(tracker.event(message(6)))).containsExactly(6L);

        tracker.joinSent("general");
        assertThat(tracker.joinedByServer(joined("e1", 9, false, 8, 9))).isFalse();
        assertThat(tracker.since("general")).isEqualTo(new StreamPosition("e1", 6));
        tracker.event(message(7));
        assertThat(offsets(tracker.joined(joined("e1", 6, true)).events())).containsExactly(7L);
    }
}
