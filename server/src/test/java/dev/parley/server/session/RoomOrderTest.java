package dev.parley.server.session;

import dev.parley.protocol.CloseCode;
import dev.parley.protocol.Limits;
import dev.parley.protocol.ServerEvent;
import dev.parley.server.codec.EncodedEvent;
import dev.parley.server.metrics.ServerMetrics;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.DefaultEventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The order of replies and deliveries in one room, against a recording transport; every event is checked for leaks. */
class RoomOrderTest {
    private static final int MAX_HELD_BYTES = 4096;
    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final RecordingTransport transport = new RecordingTransport(loop);
    /** A session that has not said hello, its node never asked: only its transport, rooms and outbound limit count. */
    private final Session session = new Session(transport, null,
            new SessionSettings(new Limits(65536, 100, 2, 1, 3, 1000, 1000, 1), 1000, 2000, 5, "parley/test", false, MAX_HELD_BYTES),
            new ServerMetrics(), () -> 0L);
    private final Memberships rooms = session.rooms();
    private final Membership room = new Membership("r");
    private final List<EncodedEvent> events = new ArrayList<>();

    RoomOrderTest() {
        rooms.add(room);
    }

    @AfterEach
    void tearDown() throws Exception {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        for (EncodedEvent event : events) {
            event.release();
            assertThat(event.frame().refCnt()).as("released once by its owner, and by nobody else").isZero();
            assertThat(event.json().refCnt()).isZero();
        }
    }

    private EncodedEvent message(long offset) {
        return event(new ServerEvent.Message("r", offset, 1, "x", "m" + offset));
    }

    private EncodedEvent event(ServerEvent event) {
        EncodedEvent encoded = EncodedEvent.encode(ByteBufAllocator.DEFAULT, event);
        events.add(encoded);
        return encoded;
    }

    private List<String> written() {
        return transport.sent.stream().map(e -> e instanceof ServerEvent.Message m ? m.text() : e.getClass().getSimpleName())
                .toList();
    }

    @Test
    void writesAtOnceWithoutAPendingReplyAndEachOffsetOnce() {
        RoomOrder.deliver(session, room, 1, message(1));
        RoomOrder.deliver(session, room, 1, message(1));
        RoomOrder.deliver(session, room, 0, event(new ServerEvent.Typing("r", "bob")));
        assertThat(written()).containsExactly("m1", "Typing");
        assertThat(room.lastOffset).isEqualTo(1);
    }

    @Test
    void holdsDeliveriesBehindEveryPendingReplyThenWritesThoseTheRepliesDidNotCover() {
        long first = RoomOrder.expectReply(room);
        long second = RoomOrder.expectReply(room);
        RoomOrder.deliver(session, room, 1, message(1));
        RoomOrder.deliver(session, room, 0, event(new ServerEvent.Typing("r", "bob")));
        RoomOrder.deliver(session, room, 2, message(2));
        RoomOrder.deliver(session, room, 3, message(3));
        assertThat(rooms.heldBytes).isPositive();
        RoomOrder.covered(room, 2);
        RoomOrder.settle(session, "r", room, first);
        assertThat(written()).as("one reply is still pending").isEmpty();
        RoomOrder.settle(session, "r", room, second);
        assertThat(written()).containsExactly("Typing", "m3");
        assertThat(room.lastOffset).isEqualTo(3);
        assertThat(transport.flushes).isEqualTo(1);
        assertThat(rooms.heldBytes).isZero();
        assertThat(room.held).isNull();
    }

    @Test
    void aRoomLostBehindARepliesClosesWith1012OnceTheRepliesAreOutAndWritesNothingHeld() {
        long reply = RoomOrder.expectReply(room);
        RoomOrder.deliver(session, room, 1, message(1));
        RoomOrder.lostTrack(session, "r", room);
        assertThat(transport.closes).isEmpty();
        RoomOrder.settle(session, "r", room, reply);
        assertThat(transport.closes).containsExactly(CloseCode.SERVICE_RESTART);
        assertThat(written()).isEmpty();
        assertThat(rooms.heldBytes).isZero();
    }

    @Test
    void aRoomLostWithoutPendingRepliesClosesAtOnce() {
        RoomOrder.lostTrack(session, "r", room);
        assertThat(transport.closes).containsExactly(CloseCode.SERVICE_RESTART);
    }

    @Test
    void holdingMoreThanTheBoundClosesAsASlowConsumerAndKeepsNoMore() {
        RoomOrder.expectReply(room);
        long offset = 0;
        while (transport.closes.isEmpty()) {
            RoomOrder.deliver(session, room, ++offset, message(offset));
            assertThat(rooms.heldBytes).isLessThanOrEqualTo(MAX_HELD_BYTES);
        }
        assertThat(transport.closes).containsExactly(CloseCode.SLOW_CONSUMER);
        assertThat(room.held).hasSize((int) offset - 1);
        RoomOrder.drop(session, room);
        assertThat(rooms.heldBytes).isZero();
        assertThat(room.held).isNull();
        assertThat(written()).isEmpty();
    }

    @Test
    void aReplyForARoomLeftSinceWritesNothingAndLeavingReleasesWhatWasHeld() {
        long reply = RoomOrder.expectReply(room);
        RoomOrder.deliver(session, room, 1, message(1));
        rooms.remove(room);
        RoomOrder.settle(session, "r", room, reply);
        assertThat(written()).isEmpty();
        RoomOrder.drop(session, room);
        assertThat(rooms.heldBytes).isZero();
    }

    @Test
    void aDeliveryWaitsOnlyForTheRepliesAskedBeforeItSoThatASenderAlwaysAwaitingOneIsNotHeldForGood() {
        long first = RoomOrder.expectReply(room);
        RoomOrder.deliver(session, room, 1, message(1));
        long second = RoomOrder.expectReply(room);
        RoomOrder.deliver(session, room, 2, message(2));
        long third = RoomOrder.expectReply(room);
        RoomOrder.settle(session, "r", room, first);
        assertThat(written()).as("after the first reply, though two more are on their way").containsExactly("m1");
        RoomOrder.settle(session, "r", room, second);
        assertThat(written()).containsExactly("m1", "m2");
        RoomOrder.deliver(session, room, 3, message(3));
        RoomOrder.settle(session, "r", room, third);
        assertThat(written()).containsExactly("m1", "m2", "m3");
        assertThat(rooms.heldBytes).isZero();
        assertThat(room.held).isNull();
    }

    @Test
    void aReplySettledBeforeAnEarlierOneReleasesNothingUntilTheEarlierOneIsOut() {
        long first = RoomOrder.expectReply(room);
        long second = RoomOrder.expectReply(room);
        RoomOrder.deliver(session, room, 1, message(1));
        RoomOrder.settle(session, "r", room, second);
        assertThat(written()).isEmpty();
        RoomOrder.settle(session, "r", room, first);
        assertThat(written()).containsExactly("m1");
        assertThat(room.settledAhead).isNull();
        RoomOrder.deliver(session, room, 2, message(2));
        assertThat(written()).as("no reply on its way any more").containsExactly("m1", "m2");
    }
}
