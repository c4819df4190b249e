package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.TestSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A room over the presence limit (2 here) with members on two nodes that share one Redis: each
 * node tells its own members the count, whichever node the joins and leaves came through.
 */
class ClusterLargeRoomsIT {
    private static Cluster cluster;

    @BeforeAll
    static void start() {
        cluster = Cluster.start(2, config -> config.with("--presence-limit", 2));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static TestSocket member(int node, String nick) {
        return TestServers.member(cluster.node(node), nick, "crowd");
    }

    private static void occupancy(TestSocket socket, int members) {
        socket.take(e -> e.path("type").asText().equals("occupancy") && e.path("members").asInt() == members,
                "occupancy of " + members);
    }

    @Test
    void everyNodeTellsItsMembersTheCountOfARoomOverTheLimit() {
        try (TestSocket a = member(0, "a-crowd");
             TestSocket b = member(1, "b-crowd")) {
            assertThat(a.next("presence").get("nick").asText()).as("within the limit, across nodes").isEqualTo("b-crowd");
            try (TestSocket c = member(0, "c-crowd");
                 TestSocket d = member(1, "d-crowd")) {
                for (TestSocket member : List.of(a, b, c, d)) {
                    occupancy(member, 4);
                }
                JsonNode page = d.request("members", "type", "who", "room", "crowd", "limit", 3);
                List<String> nicks = new ArrayList<>();
                page.get("members").forEach(n -> nicks.add(n.asText()));
                assertThat(nicks).containsExactly("a-crowd", "b-crowd", "c-crowd");
                assertThat(page.get("next").asText()).isEqualTo("c-crowd");
            }
            occupancy(a, 2);
            occupancy(b, 2);
            b.request("left", "type", "leave", "room", "crowd");
            JsonNode leave = a.take(e -> e.path("type").asText().equals("presence")
                    && e.path("nick").asText().equals("b-crowd") && e.path("event").asText().equals("leave"), "b leaving");
            assertThat(leave.get("room").asText()).isEqualTo("crowd");
            assertThat(a.queued()).as("c and d left over the limit: counted, not announced")
                    .noneMatch(e -> e.path("type").asText().equals("presence") && e.path("nick").asText().matches("[cd]-crowd"));
        }
    }
}
