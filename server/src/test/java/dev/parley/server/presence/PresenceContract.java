package dev.parley.server.presence;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link Presence} does, whichever node is asked: each implementation's test extends
 * this and says what its nodes are (for a single-node presence, the same one each time).
 */
abstract class PresenceContract {

    /** The presence as node {@code index} (0, 1, 2) sees it. */
    abstract Presence node(int index);

    @Test
    void nicksAreClaimedOnceCaseInsensitivelyAndTakenOverOnlyWithTheSecret() {
        assertThat(node(0).claim("Alice", new NickOwner("s-1", "secret"), null).join()).isEqualTo(NickClaim.GRANTED);
        assertThat(node(1).claim("alice", new NickOwner("s-2", "other"), null).join()).isEqualTo(NickClaim.TAKEN);
        assertThat(node(1).claim("ALICE", new NickOwner("s-2", "other"), "wrong").join()).isEqualTo(NickClaim.TAKEN);
        assertThat(node(0).claim("alice", new NickOwner("s-3", "new"), "secret").join())
                .isEqualTo(NickClaim.replacing("s-1"));
        node(0).release("alice", "s-1").join();
        assertThat(node(2).claim("alice", new NickOwner("s-4", "x"), null).join())
                .as("only the holder releases").isEqualTo(NickClaim.TAKEN);
        assertThat(node(2).claim("alice", new NickOwner("s-4", "x"), "secret").join())
                .as("a secret works once").isEqualTo(NickClaim.TAKEN);
        node(0).release("Alice", "s-3").join();
        assertThat(node(2).claim("alice", new NickOwner("s-4", "x"), null).join()).isEqualTo(NickClaim.GRANTED);
    }

    @Test
    void roomMembersAreSortedAndEmptyRoomsVanish() {
        assertThat(node(0).join("r", "carol").join()).isEqualTo(new RoomChange(true, 1));
        assertThat(node(1).join("r", "alice").join()).isEqualTo(new RoomChange(true, 2));
        assertThat(node(2).members("r", null, 10).join()).containsExactly("alice", "carol");
        node(1).join("s", "bob").join();
        assertThat(node(2).rooms().join()).isEqualTo(Map.of("r", 2, "s", 1));
        assertThat(node(1).leave("s", "bob").join()).isEqualTo(new RoomChange(true, 0));
        assertThat(node(0).rooms().join()).isEqualTo(Map.of("r", 2));
        assertThat(node(0).members("s", null, 10).join()).isEmpty();
        assertThat(node(0).count("s").join()).isZero();
    }

    @Test
    void joinAndLeaveChangeTheListOnce() {
        node(0).join("r", "alice").join();
        assertThat(node(0).join("r", "alice").join()).isEqualTo(new RoomChange(false, 1));
        assertThat(node(0).leave("r", "alice").join()).isEqualTo(new RoomChange(true, 0));
        assertThat(node(0).leave("r", "alice").join()).isEqualTo(new RoomChange(false, 0));
    }

    @Test
    void membersArePagedInNickOrder() {
        String[] nicks = {"dave", "bob", "erin", "alice", "carol", "Zed"};
        for (int i = 0; i < nicks.length; i++) {
            node(i % 3).join("r", nicks[i]).join();
        }
        assertThat(node(0).members("r", null, 2).join()).as("String order: capitals first").containsExactly("Zed", "alice");
        assertThat(node(1).members("r", "alice", 2).join()).containsExactly("bob", "carol");
        assertThat(node(2).members("r", "carol", 2).join()).containsExactly("dave", "erin");
        assertThat(node(0).members("r", "erin", 2).join()).isEmpty();
        assertThat(node(0).members("r", "b", 1).join()).containsExactly("bob");
        assertThat(node(1).count("r").join()).isEqualTo(6);
    }
}
