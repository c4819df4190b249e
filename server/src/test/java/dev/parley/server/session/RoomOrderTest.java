package dev.parley.server.session;

import dev.parley.protocol.CloseCode;
import dev.parley.protocol.ServerEvent;
import dev.parley.server.codec.EncodedEvent;
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
    private final Memberships rooms = new Memberships();
    private final RoomOrder order = new RoomOrder(transport, rooms, MAX_HELD_BYTES, "test");
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
        order.deliver(room, 1, message(1));
        order.deliver(room, 1, message(1));
        order.deliver(room, 0, event(new ServerEvent.Typing("r", "bob")));
        assertThat(written()).containsExactly("m1", "Typing");
        assertThat(room.lastOffset).isEqualTo(1);
    }

    @Test
    void holdsDeliveriesBehindEveryPendingReplyThenWritesThoseTheRepliesDidNotCover() {
        order.expectReply(room);
        order.expectReply(room);
        order.deliver(room, 1, message(1));
        order.deliver(room, 0, event(new ServerEvent.Typing("r", "bob")));
        order.deliver(room, 2, message(2));
        order.deliver(room, 3, message(3));
        assertThat(order.heldBytes()).isPositive();
        order.covered(room, 2);
        order.settle("r", room);
        assertThat(written()).as("one reply is still pending").isEmpty();
        order.settle("r", room);
        assertThat(written()).containsExactly("Typing", "m3");
        assertThat(room.lastOffset).isEqualTo(3);
        assertThat(transport.flushes).isEqualTo(1);
        assertThat(order.heldBytes()).isZero();
        assertThat(room.held).isNull();
    }

    @Test
    void aRoomLostBehindARepliesClosesWith1012OnceTheRepliesAreOutAndWritesNothingHeld() {
        order.expectReply(room);
        order.deliver(room, 1, message(1));
        order.lostTrack("r", room);
        assertThat(transport.closes).isEmpty();
        order.settle("r", room);
        assertThat(transport.closes).containsExactly(CloseCode.SERVICE_RESTART);
        assertThat(written()).isEmpty();
        assertThat(order.heldBytes()).isZero();
    }

    @Test
    void aRoomLostWithoutPendingRepliesClosesAtOnce() {
        order.lostTrack("r", room);
        assertThat(transport.closes).containsExactly(CloseCode.SERVICE_RESTART);
    }

    @Test
    void holdingMoreThanTheBoundClosesAsASlowConsumerAndKeepsNoMore() {
        order.expectReply(room);
        long offset = 0;
        while (transport.closes.isEmpty()) {
            order.deliver(room, ++offset, message(offset));
            assertThat(order.heldBytes()).isLessThanOrEqualTo(MAX_HELD_BYTES);
        }
        assertThat(transport.closes).containsExactly(CloseCode.SLOW_CONSUMER);
        assertThat(room.held).hasSize((int) offset - 1);
        order.drop(room);
        assertThat(order.heldBytes()).isZero();
        assertThat(room.held).isNull();
        assertThat(written()).isEmpty();
    }

    @Test
    void aReplyForARoomLeftSinceWritesNothingAndLeavingReleasesWhatWasHeld() {
        order.expectReply(room);
        order.deliver(room, 1, message(1));
        rooms.remove(room);
        order.settle("r", room);
        assertThat(written()).isEmpty();
        order.drop(room);
        assertThat(order.heldBytes()).isZero();
    }
}
