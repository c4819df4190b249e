package dev.parley.server.presence;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MemoryPresenceTest {
    private final MemoryPresence presence = new MemoryPresence();

    @Test
    void nicksAreClaimedOnceCaseInsensitivelyAndTakenOverOnlyWithTheSecret() {
        assertThat(presence.claim("Alice", new NickOwner("s-1", "secret"), null).join()).isEqualTo(NickClaim.GRANTED);
        assertThat(presence.claim("alice", new NickOwner("s-2", "other"), null).join()).isEqualTo(NickClaim.TAKEN);
        assertThat(presence.claim("ALICE", new NickOwner("s-2", "other"), "wrong").join()).isEqualTo(NickClaim.TAKEN);
        assertThat(presence.claim("alice", new NickOwner("s-3", "new"), "secret").join())
                .isEqualTo(NickClaim.replacing("s-1"));
        presence.release("alice", "s-1").join();
        assertThat(presence.claim("alice", new NickOwner("s-4", "x"), null).join())
                .as("only the holder releases").isEqualTo(NickClaim.TAKEN);
        presence.release("Alice", "s-3").join();
        assertThat(presence.claim("alice", new NickOwner("s-4", "x"), null).join()).isEqualTo(NickClaim.GRANTED);
    }

    @Test
    void roomMembersAreSortedAndEmptyRoomsVanish() {
        assertThat(presence.join("r", "carol").join()).isEqualTo(new RoomChange(true, 1));
        assertThat(presence.join("r", "alice").join()).isEqualTo(new RoomChange(true, 2));
        assertThat(presence.members("r", null, 10).join()).containsExactly("alice", "carol");
        presence.join("s", "bob").join();
        assertThat(presence.rooms().join()).isEqualTo(Map.of("r", 2, "s", 1));
        assertThat(presence.leave("s", "bob").join()).isEqualTo(new RoomChange(true, 0));
        assertThat(presence.rooms().join()).isEqualTo(Map.of("r", 2));
        assertThat(presence.members("s", null, 10).join()).isEmpty();
        assertThat(presence.count("s").join()).isZero();
    }

    @Test
    void joinAndLeaveChangeTheListOnce() {
        presence.join("r", "alice").join();
        assertThat(presence.join("r", "alice").join()).isEqualTo(new RoomChange(false, 1));
        assertThat(presence.leave("r", "alice").join()).isEqualTo(new RoomChange(true, 0));
        assertThat(presence.leave("r", "alice").join()).isEqualTo(new RoomChange(false, 0));
    }

    @Test
    void membersArePagedInNickOrder() {
        for (String nick : new String[] {"dave", "bob", "erin", "alice", "carol"}) {
            presence.join("r", nick).join();
        }
        assertThat(presence.members("r", null, 2).join()).containsExactly("alice", "bob");
        assertThat(presence.members("r", "bob", 2).join()).containsExactly("carol", "dave");
        assertThat(presence.members("r", "dave", 2).join()).containsExactly("erin");
        assertThat(presence.members("r", "erin", 2).join()).isEmpty();
        assertThat(presence.members("r", "b", 1).join()).containsExactly("bob");
        assertThat(presence.count("r").join()).isEqualTo(5);
    }
}
