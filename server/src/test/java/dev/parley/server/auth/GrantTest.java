package dev.parley.server.auth;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A grant narrowed by the connect hook's rooms allows exactly what both allow. */
class GrantTest {
    private static final List<String> ROOMS = List.of("lobby", "general", "team-red", "team-blue", "teams", "secret", "x");

    private static List<String> joinable(Grant grant) {
        return ROOMS.stream().filter(grant::mayJoin).toList();
    }

    @Test
    void narrowingAllowsWhatBothAllowForNamesAndPatterns() {
        Grant token = new Grant("ann", 1000L, List.of("team-*", "lobby", "secret"), List.of("team-*"));
        Grant narrowed = token.narrowedTo(List.of("team-r*", "teams", "lobby", "general", "t*"));
        for (String room : ROOMS) {
            assertThat(narrowed.mayJoin(room)).as(room)
                    .isEqualTo(token.mayJoin(room) && new Grant("ann", null, List.of("team-r*", "teams", "lobby", "general", "t*")).mayJoin(room));
        }
        assertThat(joinable(narrowed)).containsExactly("lobby", "team-red", "team-blue");
        assertThat(narrowed.expiresAtMs()).isEqualTo(1000L);
        assertThat(narrowed.mayModerate("team-red")).isTrue();
    }

    @Test
    void narrowingAnyRoomOrByNothing() {
        Grant open = Grant.open("bo");
        assertThat(joinable(open.narrowedTo(List.of("lobby", "team-*")))).containsExactly("lobby", "team-red", "team-blue");
        assertThat(open.narrowedTo(null)).isSameAs(open);
        assertThat(joinable(open.narrowedTo(List.of()))).isEmpty();
    }
}
