package dev.parley.server.session;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RoomOffsetsTest {
    private final RoomOffsets rooms = new RoomOffsets();

    @Test
    void acceptsEventsOfItsRoomsAndEachMessageOnceInOrder() {
        rooms.add("a");
        rooms.add("b");
        rooms.add("a");
        assertThat(rooms.size()).isEqualTo(2);
        assertThat(rooms.accept("c", 0)).as("not a member").isFalse();
        assertThat(rooms.accept("a", 0)).as("presence and typing carry no offset").isTrue();
        assertThat(rooms.accept("a", 1)).isTrue();
        assertThat(rooms.accept("a", 1)).as("a duplicate").isFalse();
        assertThat(rooms.accept("b", 1)).as("offsets are per room").isTrue();
        rooms.advanceTo("a", 5);
        assertThat(rooms.accept("a", 5)).as("recovered in joined already").isFalse();
        assertThat(rooms.accept("a", 6)).isTrue();
        rooms.advanceTo("a", 2);
        assertThat(rooms.accept("a", 6)).as("advancing never goes back").isFalse();
    }

    @Test
    void removesAndClears() {
        rooms.add("a");
        rooms.add("b");
        rooms.add("c");
        rooms.accept("c", 3);
        rooms.remove("a");
        rooms.remove("nowhere");
        assertThat(rooms.contains("a")).isFalse();
        assertThat(rooms.contains("c")).isTrue();
        assertThat(rooms.accept("c", 3)).as("an entry keeps its offset when another is removed").isFalse();
        assertThat(rooms.clear()).containsExactlyInAnyOrder("b", "c");
        assertThat(rooms.size()).isZero();
        rooms.add("a");
        assertThat(rooms.accept("a", 1)).as("a room joined again starts afresh").isTrue();
    }
}
