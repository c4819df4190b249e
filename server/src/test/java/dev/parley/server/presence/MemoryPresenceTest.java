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
        assertThat(presence.join("r", "carol").join()).containsExactly("carol");
        assertThat(presence.join("r", "alice").join()).containsExactly("alice", "carol");
        presence.join("s", "bob").join();
        assertThat(presence.rooms().join()).isEqualTo(Map.of("r", 2, "s", 1));
        presence.leave("s", "bob").join();
        assertThat(presence.rooms().join()).isEqualTo(Map.of("r", 2));
        assertThat(presence.members("s").join()).isEmpty();
    }
}
