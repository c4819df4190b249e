package dev.parley.server.broker;

import dev.parley.protocol.ServerEvent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/** A room's live path: gaps filled from the history in order, lost histories reported. */
class RoomFeedTest {
    private static final String EPOCH = "e-1";

    private final List<Object> delivered = new ArrayList<>();
    /** The room's kept history, as the fetcher serves it. */
    private final List<ServerEvent.Message> history = new ArrayList<>();
    private final List<CompletableFuture<RoomFeed.Fetched>> fetches = new ArrayList<>();
    /** The ranges fetched, "from..to", in order. */
    private final List<String> asked = new ArrayList<>();
    /** The epochs the feed asked to replace, their histories having gone back. */
    private final List<String> rewound = new ArrayList<>();
    private String historyEpoch = EPOCH;
    private RoomFeed feed;

    @BeforeEach
    void setUp() {
        BrokerListener listener = new BrokerListener() {
            @Override
            public void onMessage(ServerEvent.RoomEvent message) {
                delivered.add(message.offset());
            }

            @Override
            public void onRoomEvent(String room, String aboutNick, ServerEvent event) {
                delivered.add(event);
            }

            @Override
            public void onRoomLost(String room) {
                delivered.add("lost");
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
                return false;
            }
        };
        feed = new RoomFeed("r", listener, (room, from, to) -> {
            asked.add(from + ".." + to);
            CompletableFuture<RoomFeed.Fetched> fetch = new CompletableFuture<>();
            fetches.add(fetch);
            return fetch;
        }, (room, epoch) -> rewound.add(epoch));
        LongStream.rangeClosed(1, 10).forEach(o -> history.add(message(o)));
    }

    private static ServerEvent.Message message(long offset) {
        return new ServerEvent.Message("r", offset, offset, "a", "m" + offset);
    }

    /** Answers the oldest outstanding fetch with the kept messages {@code from..to}. */
    private void answer(long from, long to) {
        List<ServerEvent.Message> kept = history.stream().filter(m -> m.offset() >= from && m.offset() <= to).toList();
        fetches.remove(0).complete(new RoomFeed.Fetched(historyEpoch, history.size(), kept));
    }

    @Test
    void eventsBeforeTheStartWaitAndThoseTheStartCoversAreDropped() {
        feed.onMessage(EPOCH, message(3));
        feed.onMessage(EPOCH, message(4));
        assertThat(delivered).isEmpty();
        feed.start(EPOCH, 3);
        assertThat(delivered).containsExactly(4L);
    }

    @Test
    void aJumpIsFilledFromTheHistoryBeforeLaterEvents() {
        feed.start(EPOCH, 2);
        feed.onMessage(EPOCH, message(3));
        feed.onMessage(EPOCH, message(6));
        ServerEvent typing = new ServerEvent.Typing("r", "b");
        feed.onRoomEvent(typing);
        feed.onMessage(EPOCH, message(7));
        assertThat(delivered).containsExactly(3L);
        answer(4, 5);
        assertThat(delivered).containsExactly(3L, 4L, 5L, 6L, typing, 7L);
    }

    @Test
    void aLongGapIsReadInStepsOfAtMostFetchMax() {
        LongStream.rangeClosed(11, 2500).forEach(o -> history.add(message(o)));
        feed.start(EPOCH, 0);
        feed.onMessage(EPOCH, message(2501));
        while (!fetches.isEmpty()) {
            String[] range = asked.get(asked.size() - 1).split("\\.\\.");
            answer(Long.parseLong(range[0]), Long.parseLong(range[1]));
        }
        assertThat(asked).containsExactly("1..1000", "1001..2000", "2001..2500");
        assertThat(delivered).isEqualTo(LongStream.rangeClosed(1, 2501).boxed().toList());
    }

    @Test
    void aFailedFetchIsRetriedByTheNextEvent() {
        feed.start(EPOCH, 0);
        feed.onMessage(EPOCH, message(2));
        fetches.remove(0).completeExceptionally(new IllegalStateException("Redis is out of reach"));
        assertThat(delivered).isEmpty();
        feed.onMessage(EPOCH, message(3));
        answer(1, 1);
        assertThat(delivered).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aCheckFetchesOnlyWhatThePreviousCheckSawAndHasNotArrived() {
        feed.start(EPOCH, 0);
        feed.onMessage(EPOCH, message(1));
        feed.check(EPOCH, 3);
        assertThat(fetches).as("2 and 3 may be on their way").isEmpty();
        feed.onMessage(EPOCH, message(2));
        feed.check(EPOCH, 3);
        answer(3, 3);
        assertThat(delivered).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aCheckOfANodeThatLagsBehindTheHistoryLosesNothing() {
        history.removeIf(m -> m.offset() < 5);
        feed.start(EPOCH, 1);
        feed.check(EPOCH, 3);
        feed.check(EPOCH, 10);
        answer(2, 3);
        feed.onMessage(EPOCH, message(2));
        assertThat(delivered).containsExactly(2L);
    }

    @Test
    void aLateCopyOfADeliveredEventIsDroppedButAnotherEventAtItsOffsetRewindsTheRoom() {
        feed.start(EPOCH, 0);
        feed.onMessage(EPOCH, message(1));
        feed.onMessage(EPOCH, message(2));
        feed.onMessage(EPOCH, message(2));
        assertThat(rewound).as("a late copy").isEmpty();

        feed.onMessage(EPOCH, new ServerEvent.Message("r", 2, 99, "b", "took lost 2's offset"));
        feed.onMessage(EPOCH, message(3));
        assertThat(rewound).containsExactly(EPOCH);
        assertThat(delivered).as("nothing more of the history that went back").containsExactly(1L, 2L, "lost");
        feed.onMessage("e-2", message(4));
        feed.onMessage("e-2", message(5));
        assertThat(delivered).as("members told once more at the new epoch, then its events")
                .containsExactly(1L, 2L, "lost", "lost", 5L);
    }

    @Test
    void aPositionReadAfterADeliveryAndBelowItRewindsTheRoomButOneReadBeforeDoesNot() {
        feed.start(EPOCH, 0);
        feed.onMessage(EPOCH, message(1));
        RoomFeed.Position beforeTwo = feed.delivered();
        feed.onMessage(EPOCH, message(2));
        feed.check(beforeTwo, EPOCH, 1);
        assertThat(rewound).as("read before 2 arrived").isEmpty();

        feed.check(feed.delivered(), EPOCH, 1);
        assertThat(rewound).containsExactly(EPOCH);
        assertThat(delivered).containsExactly(1L, 2L, "lost");
    }

    @Test
    void aGapTheHistoryNoLongerHoldsLosesTheRoom() {
        history.removeIf(m -> m.offset() < 5);
        feed.start(EPOCH, 1);
        feed.onMessage(EPOCH, message(7));
        answer(2, 6);
        assertThat(delivered).as("nothing past a silent gap").containsExactly("lost", 7L);
    }

    @Test
    void aNewEpochLosesTheRoomAndDeliversNothingOfTheOldOne() {
        feed.start(EPOCH, 5);
        feed.onMessage("e-2", message(1));
        feed.onMessage("e-2", message(2));
        assertThat(delivered).containsExactly("lost", 2L);
    }

    @Test
    void aFetchThatFindsANewEpochLosesTheRoom() {
        feed.start(EPOCH, 5);
        feed.onMessage(EPOCH, message(8));
        historyEpoch = "e-2";
        answer(6, 7);
        feed.onMessage(EPOCH, message(9));
        feed.onMessage("e-2", message(11));
        assertThat(delivered).containsExactly("lost", 11L);
    }
}
