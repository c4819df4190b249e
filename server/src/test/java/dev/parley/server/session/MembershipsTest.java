package dev.parley.server.session;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MembershipsTest {
    private final Memberships rooms = new Memberships();

    @Test
    void findsARoomByAnEqualNameAsWellAsByTheSameOne() {
        Membership general = new Membership("general");
        rooms.add(general);

        assertThat(rooms.get("general")).isSameAs(general);
        assertThat(rooms.get(new String("general"))).isSameAs(general);
        assertThat(rooms.get("random")).isNull();
    }

    @Test
    void keepsEveryRoomPastTheArrayLimitAndAfterRemovals() {
        List<Membership> added = new ArrayList<>();
        for (int i = 0; i < Memberships.ARRAY_LIMIT + 3; i++) {
            Membership m = new Membership("room-" + i);
            rooms.add(m);
            added.add(m);
        }
        assertThat(rooms.size()).isEqualTo(Memberships.ARRAY_LIMIT + 3);
        added.forEach(m -> assertThat(rooms.get(m.room)).isSameAs(m));

        assertThat(rooms.remove(added.get(2))).isTrue();
        assertThat(rooms.remove(added.get(2))).isFalse();
        assertThat(rooms.get("room-2")).isNull();
        assertThat(rooms.size()).isEqualTo(Memberships.ARRAY_LIMIT + 2);

        List<String> seen = new ArrayList<>();
        rooms.forEach(m -> seen.add(m.room));
        assertThat(seen).hasSize(Memberships.ARRAY_LIMIT + 2).doesNotContain("room-2");
    }

    @Test
    void removesOnlyTheMembershipItWasGiven() {
        Membership first = new Membership("general");
        Membership second = new Membership("random");
        Membership third = new Membership("news");
        rooms.add(first);
        rooms.add(second);
        rooms.add(third);

        assertThat(rooms.remove(new Membership("random"))).isFalse();
        assertThat(rooms.remove(second)).isTrue();

        assertThat(rooms.get("general")).isSameAs(first);
        assertThat(rooms.get("news")).isSameAs(third);
        assertThat(rooms.size()).isEqualTo(2);
        rooms.clear();
        assertThat(rooms.size()).isZero();
        assertThat(rooms.get("general")).isNull();
    }
}
