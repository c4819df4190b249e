package dev.parley.server.broker;

import dev.parley.protocol.ServerEvent;
import dev.parley.protocol.StreamPosition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

class MemoryBrokerTest {
    private final MemoryBroker broker = new MemoryBroker(5, () -> 7L);
    private final List<ServerEvent> delivered = new ArrayList<>();
    private String epoch;

    @BeforeEach
    void setUp() {
        broker.listen(new BrokerListener() {
            @Override
            public void onMessage(ServerEvent.RoomEvent message) {
                delivered.add(message);
            }

            @Override
            public void onRoomEvent(String room, String aboutNick, ServerEvent event) {
                delivered.add(event);
            }

            @Override
            public void onRoomLost(String room) {
                throw new AssertionError("a room's history in memory is never lost while the process lives");
            }

            @Override

            public void onUserEvent(String nick, String exceptSession, ServerEvent event) {

            }


            @Override
            public boolean onDisconnect(String nick) {
                return false;
            }

            @Override
            public boolean onDirect(ServerEvent.Dm dm, Predicate<String> toSessions) {
                return dm.to().equals("here");
            }
        });
        epoch = broker.recover("r", null, 0, Integer.MAX_VALUE).join().epoch();
    }

    private void publish(int count) {
        for (int i = 1; i <= count; i++) {
            broker.publish("r", "alice", "m" + i, null).join();
        }
    }

    private static List<Long> offsets(List<? extends ServerEvent.RoomEvent> messages) {
        return messages.stream().map(ServerEvent.RoomEvent::offset).toList();
    }

    @Test
    void offsetsStartAtOneAndGrowByOneAndAreDeliveredAsAssigned() {
        publish(3);
        broker.publish("other", "bob", "x", null).join();
        assertThat(delivered).extracting(e -> ((ServerEvent.Message) e).offset()).containsExactly(1L, 2L, 3L, 1L);
        assertThat(delivered.get(0)).isEqualTo(new ServerEvent.Message("r", 1, 7, "alice", "m1"));
    }

    @Test
    void recoversFromInsideTheRetainedHistoryOnly() {
        publish(8);
        Recovery recovered = broker.recover("r", new StreamPosition(epoch, 3), 2, Integer.MAX_VALUE).join();
        assertThat(recovered.recovered()).isTrue();
        assertThat(offsets(recovered.messages())).containsExactly(4L, 5L, 6L, 7L, 8L);
        Recovery tooOld = broker.recover("r", new StreamPosition(epoch, 2), 2, Integer.MAX_VALUE).join();
        assertThat(tooOld.recovered()).isFalse();
        assertThat(offsets(tooOld.messages())).containsExactly(7L, 8L);
        assertThat(broker.recover("r", new StreamPosition("e-other", 7), 2, Integer.MAX_VALUE).join().recovered()).isFalse();
        assertThat(broker.recover("r", new StreamPosition(epoch, 9), 2, Integer.MAX_VALUE).join().recovered()).isFalse();
        Recovery current = broker.recover("r", new StreamPosition(epoch, 8), 2, Integer.MAX_VALUE).join();
        assertThat(current.recovered()).isTrue();
        assertThat(current.messages()).isEmpty();
        assertThat(current.offset()).isEqualTo(8);
    }

    @Test
    void anEmptyRoomRecoversFromOffsetZero() {
        assertThat(broker.recover("empty", new StreamPosition(epoch, 0), 5, Integer.MAX_VALUE).join().recovered()).isTrue();
        assertThat(broker.recover("empty", null, 5, Integer.MAX_VALUE).join().recovered()).isFalse();
    }

    @Test
    void historyPagesBackwards() {
        publish(8);
        assertThat(offsets(broker.history("r", new HistoryQuery(null, null, 3)).join().messages())).containsExactly(6L, 7L, 8L);
        assertThat(offsets(broker.history("r", HistoryQuery.before(6, 50)).join().messages())).containsExactly(4L, 5L);
        assertThat(broker.history("r", HistoryQuery.before(4, 50)).join().messages()).isEmpty();
        assertThat(broker.history("missing", HistoryQuery.before(4, 50)).join().epoch()).isEqualTo(epoch);
    }

    @Test
    void keepsNothingWithAHistoryOfZero() {
        MemoryBroker forgetful = new MemoryBroker(0, () -> 1L);
        forgetful.listen(new IgnoringListener());
        forgetful.publish("r", "a", "x", null).join();
        assertThat(forgetful.history("r", new HistoryQuery(null, null, 10)).join().messages()).isEmpty();
        String e = forgetful.recover("r", null, 0, Integer.MAX_VALUE).join().epoch();
        assertThat(forgetful.recover("r", new StreamPosition(e, 1), 5, Integer.MAX_VALUE).join().recovered()).isTrue();
        assertThat(forgetful.recover("r", new StreamPosition(e, 0), 5, Integer.MAX_VALUE).join().recovered()).isFalse();
    }

    @Test
    void roomsWithHistoryAndDirectMessages() {
        publish(2);
        assertThat(broker.roomsWithHistory().join()).containsExactlyEntriesOf(java.util.Map.of("r", 2L));
        assertThat(broker.direct(new ServerEvent.Dm("a", "here", "x", 1)).join()).isTrue();
        assertThat(broker.direct(new ServerEvent.Dm("a", "gone", "x", 1)).join()).isFalse();
    }

    @Test
    void offersTheRoomEventsAndReadStateButDoesNotSearch() {
        assertThat(broker.features()).containsExactlyInAnyOrder("edit", "delete", "reactions", "replies", "read");
        assertThat(broker.search("r", "anything", null, 20)).failsWithin(Duration.ZERO)
                .withThrowableOfType(ExecutionException.class).withCauseInstanceOf(UnsupportedOperationException.class);
    }
}
