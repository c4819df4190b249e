package dev.parley.server.broker;

import dev.parley.protocol.ServerEvent;
import dev.parley.protocol.StreamPosition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The window of a watched room answers only what the consecutive events it holds prove. */
class RecentEventsTest {
    private static final String EPOCH = "e-1";
    private final RecentEvents window = new RecentEvents(10);

    private static ServerEvent.Message message(long offset) {
        return new ServerEvent.Message("r", offset, offset * 10, "alice", "m" + offset);
    }

    private static List<ServerEvent.Message> messages(long from, long to) {
        return LongStream.rangeClosed(from, to).mapToObj(RecentEventsTest::message).toList();
    }

    private void deliver(long from, long to) {
        messages(from, to).forEach(window::delivered);
    }

    private static List<Long> offsets(List<? extends ServerEvent.RoomEvent> messages) {
        return messages.stream().map(ServerEvent.RoomEvent::offset).toList();
    }

    private static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    @Test
    void nothingIsAnsweredBeforeADurableReadToldTheEpoch() {
        deliver(1, 3);
        assertThat(window.history(new HistoryQuery(null, null, 2))).isNull();
        assertThat(window.recover(null, 5, 100)).isNull();
        window.read(EPOCH, null, List.of());
        assertThat(offsets(window.history(new HistoryQuery(null, null, 2)).messages())).isEqualTo(range(2, 3));
    }

    @Test
    void aJoinSeedsTheWindowAndDeliveriesExtendIt() {
        window.read(EPOCH, 40L, messages(36, 40));
        deliver(39, 45); // 39 and 40 were read already
        HistorySlice latest = window.history(new HistoryQuery(null, null, 10));
        assertThat(latest.epoch()).isEqualTo(EPOCH);
        assertThat(offsets(latest.messages())).isEqualTo(range(36, 45));
        assertThat(offsets(window.history(HistoryQuery.after(40, 3)).messages())).isEqualTo(range(41, 43));
        assertThat(offsets(window.history(HistoryQuery.before(41, 5)).messages())).isEqualTo(range(36, 40));
        assertThat(window.history(HistoryQuery.before(41, 6))).as("35 is not held").isNull();
        assertThat(window.history(HistoryQuery.after(34, 3))).as("35 is not held").isNull();
        assertThat(window.history(HistoryQuery.after(45, 3)).messages()).isEmpty();
    }

    @Test
    void aWindowFromTheRoomsFirstEventAnswersShortPages() {
        window.read(EPOCH, 0L, List.of());
        deliver(1, 3);
        assertThat(offsets(window.history(HistoryQuery.before(3, 50)).messages())).isEqualTo(range(1, 2));
        assertThat(window.history(HistoryQuery.before(1, 50)).messages()).isEmpty();
    }

    @Test
    void aGapInTheDeliveriesStartsTheWindowOverAndItKeepsTheLatestUpToItsCapacity() {
        window.read(EPOCH, 5L, messages(1, 5));
        deliver(7, 20); // 6 never reached this node
        assertThat(window.history(HistoryQuery.after(5, 10))).isNull();
        assertThat(window.history(HistoryQuery.after(9, 10))).isNull();
        assertThat(offsets(window.history(HistoryQuery.after(10, 10)).messages())).isEqualTo(range(11, 20));
        assertThat(offsets(window.recover(null, 100, 100).messages())).isEqualTo(range(11, 20));
    }

    @Test
    void recoveryIsTrueOnlyWhenTheWindowHoldsEverythingAfterSince() {
        window.read(EPOCH, 30L, messages(26, 30));
        deliver(31, 32);
        Recovery all = window.recover(new StreamPosition(EPOCH, 27), 3, 100);
        assertThat(all.recovered()).isTrue();
        assertThat(all.offset()).isEqualTo(32);
        assertThat(offsets(all.messages())).isEqualTo(range(28, 32));
        assertThat(window.recover(new StreamPosition(EPOCH, 25), 3, 100).recovered()).isTrue();

        Recovery tooOld = window.recover(new StreamPosition(EPOCH, 20), 3, 100);
        assertThat(tooOld.recovered()).isFalse();
        assertThat(offsets(tooOld.messages())).isEqualTo(range(30, 32));
        assertThat(tooOld.missed()).isZero();

        Recovery otherEpoch = window.recover(new StreamPosition("e-other", 31), 3, 100);
        assertThat(otherEpoch.recovered()).isFalse();
        assertThat(otherEpoch.epoch()).isEqualTo(EPOCH);

        Recovery tooMany = window.recover(new StreamPosition(EPOCH, 27), 2, 3);
        assertThat(tooMany.recovered()).isFalse();
        assertThat(offsets(tooMany.messages())).isEqualTo(range(31, 32));
        assertThat(tooMany.missed()).as("28 to 30").isEqualTo(3);

        Recovery ahead = window.recover(new StreamPosition(EPOCH, 40), 2, 100);
        assertThat(ahead.recovered()).isFalse();
        assertThat(offsets(ahead.messages())).isEqualTo(range(31, 32));
    }

    @Test
    void anotherEpochOrAnOlderReadWithAGapChangesNothingHeldWrongly() {
        window.read(EPOCH, 10L, messages(8, 10));
        window.read(EPOCH, 3L, messages(1, 3)); // older, with a gap: the newer is kept
        assertThat(offsets(window.recover(null, 10, 100).messages())).isEqualTo(range(8, 10));
        window.read(EPOCH, 7L, messages(1, 7)); // touches: one stretch
        assertThat(offsets(window.history(HistoryQuery.before(100, 100)).messages())).isEqualTo(range(1, 10));
        window.read("e-2", 4L, messages(1, 4));
        Recovery recovery = window.recover(null, 100, 100);
        assertThat(recovery.epoch()).isEqualTo("e-2");
        assertThat(recovery.offset()).isEqualTo(4);
        assertThat(offsets(recovery.messages())).isEqualTo(range(1, 4));
    }

    @Test
    void messagesWithTheirStateAreAnsweredOnlyWhereNoEditDeleteOrReactionIsHeldAfterThem() {
        window.read(EPOCH, null, List.of());
        deliver(1, 5);
        window.delivered(new ServerEvent.Edit("r", 6, 2, "alice", "changed", 60));
        deliver(7, 8);

        assertThat(offsets(window.history(new HistoryQuery(null, null, 2)).messages())).as("7 and 8: nothing after them")
                .isEqualTo(range(7, 8));
        assertThat(window.history(new HistoryQuery(null, null, 5))).as("message 2 was edited").isNull();
        assertThat(offsets(window.history(new HistoryQuery(null, null, 5, true)).messages())).as("the log")
                .isEqualTo(range(4, 8));
        assertThat(window.history(HistoryQuery.after(3, 5))).isNull();
        assertThat(window.recover(new StreamPosition("e-other", 1), 4, 100)).isNull();
        assertThat(offsets(window.recover(new StreamPosition(EPOCH, 3), 4, 100).messages())).isEqualTo(range(4, 8));
    }

    @Test
    void aDeleteDeliveredErasesTheTextOfItsMessageAndItsEditsFromTheWindow() {
        window.read(EPOCH, null, List.of());
        deliver(1, 2);
        window.delivered(new ServerEvent.Edit("r", 3, 1, "alice", "changed", 30));
        window.delivered(new ServerEvent.Delete("r", 4, 1, "alice", 40));

        List<ServerEvent.RoomEvent> log = List.copyOf(window.history(new HistoryQuery(null, null, 10, true)).messages());
        assertThat(log).containsExactly(message(1).withTextDeleted(), message(2), new ServerEvent.Edit("r", 3, 1, "alice", null, 30),
                new ServerEvent.Delete("r", 4, 1, "alice", 40));
    }
}
