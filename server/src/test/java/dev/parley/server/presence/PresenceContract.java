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
    void anExclusiveNickIsClaimedOnceCaseInsensitivelyAndTakenOverOnlyWithTheSecret() {
        assertThat(node(0).claim("Alice", new NickOwner("s-1", "secret"), null, 1).join()).isEqualTo(NickClaim.GRANTED);
        assertThat(node(1).claim("alice", new NickOwner("s-2", "other"), null, 1).join()).isEqualTo(NickClaim.TAKEN);
        assertThat(node(1).claim("ALICE", new NickOwner("s-2", "other"), "wrong", 1).join()).isEqualTo(NickClaim.TAKEN);
        assertThat(node(0).claim("alice", new NickOwner("s-3", "new"), "secret", 1).join())
                .isEqualTo(NickClaim.replacing("s-1"));
        node(0).release("alice", "s-1").join();
        assertThat(node(2).claim("alice", new NickOwner("s-4", "x"), null, 1).join())
                .as("only the holder releases").isEqualTo(NickClaim.FULL);
        assertThat(node(2).claim("alice", new NickOwner("s-4", "x"), "secret", 1).join())
                .as("a secret works once").isEqualTo(NickClaim.FULL);
        node(0).release("Alice", "s-3").join();
        assertThat(node(2).claim("alice", new NickOwner("s-4", "x"), null, 1).join()).isEqualTo(NickClaim.GRANTED);
    }

    @Test
    void aUserHoldsUpToItsMostSessionsUnderOneSpellingAndEachIsTakenOverAlone() {
        assertThat(node(0).claim("alice", new NickOwner("s-1", "one"), null, 3).join()).isEqualTo(NickClaim.GRANTED);
        assertThat(node(1).claim("alice", new NickOwner("s-2", "two"), null, 3).join()).isEqualTo(NickClaim.GRANTED);
        assertThat(node(2).claim("Alice", new NickOwner("s-x", "x"), null, 3).join())
                .as("another spelling is another user").isEqualTo(NickClaim.TAKEN);
        assertThat(node(2).claim("alice", new NickOwner("s-3", "three"), null, 3).join()).isEqualTo(NickClaim.GRANTED);
        assertThat(node(0).claim("alice", new NickOwner("s-4", "four"), null, 3).join()).isEqualTo(NickClaim.FULL);
        assertThat(node(0).claim("alice", new NickOwner("s-4", "four"), "wrong", 3).join()).isEqualTo(NickClaim.FULL);

        assertThat(node(0).claim("alice", new NickOwner("s-5", "five"), "two", 3).join())
                .as("a resume takes the place of its own session only").isEqualTo(NickClaim.replacing("s-2"));
        assertThat(node(1).claim("alice", new NickOwner("s-6", "six"), "two", 3).join())
                .as("a secret works once").isEqualTo(NickClaim.FULL);
        node(1).release("alice", "s-2").join();
        assertThat(node(1).claim("alice", new NickOwner("s-6", "six"), null, 3).join())
                .as("the replaced session's late release frees nothing").isEqualTo(NickClaim.FULL);
        node(0).release("alice", "s-1").join();
        assertThat(node(1).claim("alice", new NickOwner("s-6", "six"), null, 3).join()).isEqualTo(NickClaim.GRANTED);
        assertThat(node(2).claim("alice", new NickOwner("s-7", "seven"), "five", 3).join())
                .isEqualTo(NickClaim.replacing("s-5"));
    }

    @Test
    void aRoomListsAUserOnceFromItsFirstSessionsJoinToItsLastSessionsLeave() {
        assertThat(node(0).join("r", "alice", "s-1").join()).isEqualTo(new RoomChange(true, 1));
        assertThat(node(1).join("r", "alice", "s-2").join()).isEqualTo(new RoomChange(false, 1));
        assertThat(node(1).join("r", "bob", "s-3").join()).isEqualTo(new RoomChange(true, 2));
        assertThat(node(2).members("r", null, 10).join()).containsExactly("alice", "bob");
        assertThat(node(2).count("r").join()).isEqualTo(2);
        assertThat(node(2).rooms().join()).isEqualTo(Map.of("r", 2));

        assertThat(node(0).leave("r", "alice", "s-1").join()).isEqualTo(new RoomChange(false, 2));
        assertThat(node(0).leave("r", "alice", "s-1").join()).as("a session leaves once").isEqualTo(new RoomChange(false, 2));
        assertThat(node(2).members("r", null, 10).join()).containsExactly("alice", "bob");
        assertThat(node(1).leave("r", "alice", "s-2").join()).isEqualTo(new RoomChange(true, 1));
        assertThat(node(2).members("r", null, 10).join()).containsExactly("bob");
        assertThat(node(0).join("r", "alice", "s-1").join()).as("back in").isEqualTo(new RoomChange(true, 2));
    }

    @Test
    void roomMembersAreSortedAndEmptyRoomsVanish() {
        assertThat(node(0).join("r", "carol", "s-carol").join()).isEqualTo(new RoomChange(true, 1));
        assertThat(node(1).join("r", "alice", "s-alice").join()).isEqualTo(new RoomChange(true, 2));
        assertThat(node(2).members("r", null, 10).join()).containsExactly("alice", "carol");
        node(1).join("s", "bob", "s-bob").join();
        assertThat(node(2).rooms().join()).isEqualTo(Map.of("r", 2, "s", 1));
        assertThat(node(1).leave("s", "bob", "s-bob").join()).isEqualTo(new RoomChange(true, 0));
        assertThat(node(0).rooms().join()).isEqualTo(Map.of("r", 2));
        assertThat(node(0).members("s", null, 10).join()).isEmpty();
        assertThat(node(0).count("s").join()).isZero();
    }

    @Test
    void joinAndLeaveChangeTheListOnce() {
        node(0).join("r", "alice", "s-alice").join();
        assertThat(node(0).join("r", "alice", "s-alice").join()).isEqualTo(new RoomChange(false, 1));
        assertThat(node(0).leave("r", "alice", "s-alice").join()).isEqualTo(new RoomChange(true, 0));
        assertThat(node(0).leave("r", "alice", "s-alice").join()).isEqualTo(new RoomChange(false, 0));
    }

    @Test
    void membersArePagedInNickOrder() {
        String[] nicks = {"dave", "bob", "erin", "alice", "carol", "Zed"};
        for (int i = 0; i < nicks.length; i++) {
            node(i % 3).join("r", nicks[i], "s-" + i).join();
        }
        assertThat(node(0).members("r", null, 2).join()).as("String order: capitals first").containsExactly("Zed", "alice");
        assertThat(node(1).members("r", "alice", 2).join()).containsExactly("bob", "carol");
        assertThat(node(2).members("r", "carol", 2).join()).containsExactly("dave", "erin");
        assertThat(node(0).members("r", "erin", 2).join()).isEmpty();
        assertThat(node(0).members("r", "b", 1).join()).containsExactly("bob");
        assertThat(node(1).count("r").join()).isEqualTo(6);
    }
}
