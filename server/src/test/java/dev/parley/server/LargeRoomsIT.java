package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.TestSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Rooms over the presence limit (3 here): occupancy instead of presence, capped member lists, paged who. */
class LargeRoomsIT {
    private static final int LIMIT = 3;
    private static ParleyServer server;

    @BeforeAll
    static void start() {
        server = TestServers.start(c -> c.with("--presence-limit", LIMIT));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static JsonNode occupancy(TestSocket socket, String room, int members) {
        return socket.take(e -> e.path("type").asText().equals("occupancy") && e.path("room").asText().equals(room)
                && e.path("members").asInt() == members, "occupancy of " + room + " with " + members + " members");
    }

    private static List<String> nicks(JsonNode array) {
        List<String> nicks = new ArrayList<>();
        array.forEach(n -> nicks.add(n.asText()));
        return nicks;
    }

    private static boolean toldOf(TestSocket socket, String nick) {
        socket.request("pong", "type", "ping");
        return socket.queued().stream().anyMatch(e -> e.path("type").asText().equals("presence")
                && e.path("nick").asText().equals(nick));
    }

    @Test
    void welcomeAnnouncesTheLimit() {
        try (TestSocket socket = TestSocket.connect(server.webSocketUri())) {
            JsonNode welcome = socket.request("welcome", "type", "hello", "nick", "limit-reader");
            assertThat(welcome.at("/limits/presenceLimit").asInt()).isEqualTo(LIMIT);
        }
    }

    @Test
    void overTheLimitMembersAreToldTheCountInsteadOfEachJoinAndLeave() {
        try (TestSocket a = TestServers.member(server, "a-big", "big");
             TestSocket b = TestServers.member(server, "b-big", "big");
             TestSocket c = TestSocket.login(server.webSocketUri(), "c-big");
             TestSocket d = TestSocket.login(server.webSocketUri(), "d-big");
             TestSocket e = TestSocket.login(server.webSocketUri(), "e-big")) {
            assertThat(c.request("joined", "type", "join", "room", "big").get("memberCount").asInt()).isEqualTo(LIMIT);
            assertThat(a.next("presence").get("nick").asText()).isEqualTo("b-big");
            assertThat(a.next("presence").get("nick").asText()).as("at the limit, joins are told as before").isEqualTo("c-big");

            JsonNode joined = d.request("joined", "type", "join", "room", "big");
            assertThat(nicks(joined.get("members"))).as("at most the limit, in nick order")
                    .containsExactly("a-big", "b-big", "c-big");
            assertThat(joined.get("memberCount").asInt()).isEqualTo(4);
            assertThat(e.request("joined", "type", "join", "room", "big").get("memberCount").asInt()).isEqualTo(5);

            for (TestSocket member : List.of(a, b, c, d, e)) {
                JsonNode occupancy = occupancy(member, "big", 5);
                assertThat(occupancy.get("ts").asLong()).isPositive();
            }
            assertThat(toldOf(a, "d-big") || toldOf(a, "e-big") || toldOf(c, "e-big"))
                    .as("joins over the limit are not told one by one").isFalse();
            JsonNode again = d.request("joined", "type", "join", "room", "big");
            assertThat(again.get("memberCount").asInt()).isEqualTo(5);
            assertThat(again.get("members")).hasSize(LIMIT);

            e.close();
            d.request("left", "type", "leave", "room", "big");
            for (TestSocket member : List.of(a, b, c)) {
                occupancy(member, "big", LIMIT);
            }
            assertThat(toldOf(a, "d-big") || toldOf(b, "e-big")).as("leaves from over the limit are counted").isFalse();

            c.request("left", "type", "leave", "room", "big");
            JsonNode leave = a.next("presence");
            assertThat(leave.get("nick").asText()).as("back within the limit, leaves are told as before").isEqualTo("c-big");
            assertThat(leave.get("event").asText()).isEqualTo("leave");
        }
    }

    @Test
    void occupancyComesAtMostOnceASecond() {
        List<TestSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i <= LIMIT; i++) {
                sockets.add(TestServers.member(server, "busy-" + i, "busy"));
            }
            TestSocket first = sockets.get(0);
            long told = occupancy(first, "busy", LIMIT + 1).get("ts").asLong();
            sockets.add(TestServers.member(server, "busy-" + (LIMIT + 1), "busy"));
            long toldAgain = occupancy(first, "busy", LIMIT + 2).get("ts").asLong();
            assertThat(toldAgain - told).as("a change right after an occupancy waits for the next second")
                    .isGreaterThanOrEqualTo(900);
        } finally {
            sockets.forEach(TestSocket::close);
        }
    }

    @Test
    void whoPagesThroughTheMembersInNickOrder() {
        List<TestSocket> sockets = new ArrayList<>();
        try {
            for (String nick : List.of("pe", "pa", "pd", "pb", "pc")) {
                sockets.add(TestServers.member(server, nick, "paged"));
            }
            TestSocket asker = sockets.get(0);
            JsonNode first = asker.request("members", "type", "who", "id", 1, "room", "paged", "limit", 2);
            assertThat(nicks(first.get("members"))).containsExactly("pa", "pb");
            assertThat(first.get("next").asText()).isEqualTo("pb");
            JsonNode second = asker.request("members", "type", "who", "room", "paged", "after", "pb", "limit", 2);
            assertThat(nicks(second.get("members"))).containsExactly("pc", "pd");
            JsonNode last = asker.request("members", "type", "who", "room", "paged", "after", "pd", "limit", 2);
            assertThat(nicks(last.get("members"))).containsExactly("pe");
            assertThat(last.has("next")).as("the last page has no next").isFalse();
            JsonNode whole = asker.request("members", "type", "who", "room", "paged");
            assertThat(nicks(whole.get("members"))).as("the default limit is 1000").hasSize(5);
            assertThat(whole.has("next")).isFalse();
            assertThat(asker.request("members", "type", "who", "room", "paged", "after", "pz").get("members")).isEmpty();

            for (Object limit : List.of(0, 1001, "ten")) {
                JsonNode error = asker.request("error", "type", "who", "id", 9, "room", "paged", "limit", limit);
                assertThat(error.get("code").asText()).as("limit " + limit).isEqualTo("bad_request");
                assertThat(error.get("id").asInt()).isEqualTo(9);
            }
        } finally {
            sockets.forEach(TestSocket::close);
        }
    }
}
