package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.TestSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Joining, leaving, presence, member lists, the room list and history paging. */
class RoomsIT {
    private static ParleyServer server;

    @BeforeAll
    static void start() {
        server = TestServers.start(c -> c.with("--max-rooms", 3).with("--history-size", 10)
                .with("--history-on-join", 4));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static List<String> texts(JsonNode messages) {
        List<String> texts = new ArrayList<>();
        messages.forEach(m -> texts.add(m.get("text").asText()));
        return texts;
    }

    private static List<Long> offsets(JsonNode messages) {
        List<Long> offsets = new ArrayList<>();
        messages.forEach(m -> offsets.add(m.get("offset").asLong()));
        return offsets;
    }

    @Test
    void joinRepliesWithTheRoomAndTellsTheOthers() {
        try (TestSocket alice = TestServers.member(server, "alice-j", "lobby");
             TestSocket bob = TestSocket.login(server.webSocketUri(), "bob-j")) {
            JsonNode joined = bob.request("joined", "type", "join", "id", 2, "room", "lobby");
            assertThat(joined.get("id").asInt()).isEqualTo(2);
            assertThat(joined.get("room").asText()).isEqualTo("lobby");
            assertThat(joined.get("epoch").asText()).startsWith("e-");
            assertThat(joined.get("offset").asLong()).isZero();
            assertThat(joined.get("members")).extracting(JsonNode::asText).containsExactly("alice-j", "bob-j");
            assertThat(joined.get("recovered").asBoolean()).isFalse();
            assertThat(joined.get("messages")).isEmpty();

            JsonNode presence = alice.next("presence");
            assertThat(presence.get("room").asText()).isEqualTo("lobby");
            assertThat(presence.get("event").asText()).isEqualTo("join");
            assertThat(presence.get("nick").asText()).isEqualTo("bob-j");
            assertThat(presence.get("ts").asLong()).isPositive();

            JsonNode left = bob.request("left", "type", "leave", "id", 3, "room", "lobby");
            assertThat(left.get("id").asInt()).isEqualTo(3);
            assertThat(left.get("room").asText()).isEqualTo("lobby");
            JsonNode leave = alice.next("presence");
            assertThat(leave.get("event").asText()).isEqualTo("leave");
            assertThat(leave.get("nick").asText()).isEqualTo("bob-j");
            assertThat(bob.has("presence")).as("the joiner is not told of itself").isFalse();
        }
    }

    @Test
    void joiningTwiceReturnsJoinedAgainWithoutAnotherPresence() {
        try (TestSocket alice = TestServers.member(server, "alice-twice", "twice");
             TestSocket bob = TestServers.member(server, "bob-twice", "twice")) {
            alice.next("presence");
            JsonNode again = bob.request("joined", "type", "join", "id", "again", "room", "twice");
            assertThat(again.get("members")).extracting(JsonNode::asText).containsExactly("alice-twice", "bob-twice");
            bob.request("pong", "type", "ping");
            alice.request("pong", "type", "ping");
            assertThat(alice.has("presence")).isFalse();
        }
    }

    @Test
    void roomRulesAndLimits() {
        try (TestSocket carol = TestSocket.login(server.webSocketUri(), "carol-r")) {
            for (String bad : List.of("", "with space", "r".repeat(65), "a/b")) {
                assertThat(carol.request("error", "type", "join", "room", bad).get("code").asText())
                        .as(bad).isEqualTo("room_invalid");
            }
            assertThat(carol.request("error", "type", "leave", "id", 9, "room", "nowhere").get("code").asText())
                    .isEqualTo("not_member");
            assertThat(carol.request("error", "type", "send", "room", "nowhere", "text", "hi").get("code").asText())
                    .isEqualTo("not_member");
            assertThat(carol.request("error", "type", "typing", "room", "nowhere").get("code").asText())
                    .isEqualTo("not_member");
            for (String room : List.of("r1", "r2", "r3")) {
                carol.request("joined", "type", "join", "room", room);
            }
            JsonNode tooMany = carol.request("error", "type", "join", "id", "r4", "room", "r4");
            assertThat(tooMany.get("code").asText()).isEqualTo("too_many_rooms");
            assertThat(tooMany.get("id").asText()).isEqualTo("r4");
            carol.request("left", "type", "leave", "room", "r1");
            carol.request("joined", "type", "join", "room", "r4");
            assertThat(carol.request("joined", "type", "join", "room", "r4").get("room").asText())
                    .as("joining a room one is in does not count against the limit").isEqualTo("r4");
            assertThat(carol.request("error", "type", "join", "room", "R4").get("code").asText())
                    .as("room names are case-sensitive: R4 is a fourth room").isEqualTo("too_many_rooms");
        }
    }

    @Test
    void whoAndRooms() {
        try (TestSocket dan = TestServers.member(server, "dan-w", "who-room");
             TestSocket eve = TestServers.member(server, "eve-w", "who-room");
             TestSocket fay = TestServers.member(server, "fay-w", "quiet-room")) {
            JsonNode members = fay.request("members", "type", "who", "id", 6, "room", "who-room");
            assertThat(members.get("id").asInt()).isEqualTo(6);
            assertThat(members.get("room").asText()).isEqualTo("who-room");
            assertThat(members.get("members")).extracting(JsonNode::asText).containsExactly("dan-w", "eve-w");
            assertThat(fay.request("members", "type", "who", "room", "empty-room").get("members")).isEmpty();

            dan.request("ack", "type", "send", "room", "who-room", "text", "kept");
            dan.request("left", "type", "leave", "room", "who-room");
            eve.request("left", "type", "leave", "room", "who-room");
            JsonNode rooms = fay.request("rooms", "type", "rooms", "id", 7);
            assertThat(rooms.get("id").asInt()).isEqualTo(7);
            Map<String, Integer> counts = new java.util.HashMap<>();
            rooms.get("rooms").forEach(r -> counts.put(r.get("room").asText(), r.get("members").asInt()));
            assertThat(counts).containsEntry("quiet-room", 1).containsEntry("who-room", 0);
        }
    }

    @Test
    void roomsWithoutMembersOrHistoryDisappear() {
        try (TestSocket gus = TestServers.member(server, "gus-gone", "fleeting")) {
            gus.request("left", "type", "leave", "room", "fleeting");
            JsonNode rooms = gus.request("rooms", "type", "rooms");
            rooms.get("rooms").forEach(r -> assertThat(r.get("room").asText()).isNotEqualTo("fleeting"));
        }
    }

    @Test
    void historyIsPagedOldestFirstWithinTheRetainedWindow() {
        try (TestSocket hal = TestServers.member(server, "hal-h", "paged")) {
            for (int i = 1; i <= 15; i++) {
                hal.request("ack", "type", "send", "room", "paged", "text", "m" + i);
            }
            JsonNode all = hal.request("history", "type", "history", "id", 8, "room", "paged");
            assertThat(all.get("id").asInt()).isEqualTo(8);
            assertThat(all.get("epoch").asText()).startsWith("e-");
            assertThat(offsets(all.get("messages"))).as("10 kept of 15").containsExactly(6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L);
            JsonNode page = hal.request("history", "type", "history", "room", "paged", "before", 12, "limit", 3);
            assertThat(texts(page.get("messages"))).containsExactly("m9", "m10", "m11");
            assertThat(page.get("messages").get(0).get("type").asText()).isEqualTo("message");
            JsonNode older = hal.request("history", "type", "history", "room", "paged", "before", 7, "limit", 50);
            assertThat(texts(older.get("messages"))).containsExactly("m6");
            assertThat(hal.request("history", "type", "history", "room", "paged", "before", 6).get("messages")).isEmpty();
            assertThat(hal.request("error", "type", "history", "room", "paged", "limit", 101).get("code").asText())
                    .isEqualTo("bad_request");
            JsonNode none = hal.request("history", "type", "history", "room", "never-used");
            assertThat(none.get("messages")).isEmpty();
        }
    }

    @Test
    void historyAfterAnOffsetReadsForwardAndNotTogetherWithBefore() {
        try (TestSocket ann = TestServers.member(server, "ann-h", "forward")) {
            for (int i = 1; i <= 15; i++) {
                ann.request("ack", "type", "send", "room", "forward", "text", "m" + i);
            }
            JsonNode next = ann.request("history", "type", "history", "id", 9, "room", "forward", "after", 8, "limit", 3);
            assertThat(next.get("id").asInt()).isEqualTo(9);
            assertThat(texts(next.get("messages"))).containsExactly("m9", "m10", "m11");
            assertThat(offsets(ann.request("history", "type", "history", "room", "forward", "after", 0, "limit", 2)
                    .get("messages"))).as("from the oldest kept").containsExactly(6L, 7L);
            assertThat(offsets(ann.request("history", "type", "history", "room", "forward", "after", 13)
                    .get("messages"))).containsExactly(14L, 15L);
            assertThat(ann.request("history", "type", "history", "room", "forward", "after", 15).get("messages")).isEmpty();
            assertThat(ann.request("error", "type", "history", "room", "forward", "before", 9, "after", 3)
                    .get("code").asText()).isEqualTo("bad_request");
        }
    }

    @Test
    void joinShowsTheLatestMessagesOrRecoversWhatWasMissedSince() {
        try (TestSocket ivy = TestServers.member(server, "ivy-s", "recover")) {
            for (int i = 1; i <= 6; i++) {
                ivy.request("ack", "type", "send", "room", "recover", "text", "m" + i);
            }
            try (TestSocket jon = TestSocket.login(server.webSocketUri(), "jon-s")) {
                JsonNode fresh = jon.request("joined", "type", "join", "room", "recover");
                assertThat(fresh.get("offset").asLong()).isEqualTo(6);
                assertThat(fresh.get("recovered").asBoolean()).isFalse();
                assertThat(texts(fresh.get("messages"))).as("historyOnJoin=4").containsExactly("m3", "m4", "m5", "m6");
                String epoch = fresh.get("epoch").asText();
                jon.request("left", "type", "leave", "room", "recover");

                for (int i = 7; i <= 9; i++) {
                    ivy.request("ack", "type", "send", "room", "recover", "text", "m" + i);
                }
                JsonNode recovered = jon.request("joined", "type", "join", "room", "recover",
                        "since", Map.of("epoch", epoch, "offset", 2));
                assertThat(recovered.get("recovered").asBoolean()).isTrue();
                assertThat(offsets(recovered.get("messages"))).containsExactly(3L, 4L, 5L, 6L, 7L, 8L, 9L);
                jon.request("left", "type", "leave", "room", "recover");

                JsonNode upToDate = jon.request("joined", "type", "join", "room", "recover",
                        "since", Map.of("epoch", epoch, "offset", 9));
                assertThat(upToDate.get("recovered").asBoolean()).isTrue();
                assertThat(upToDate.get("messages")).isEmpty();
                jon.request("left", "type", "leave", "room", "recover");

                JsonNode otherEpoch = jon.request("joined", "type", "join", "room", "recover",
                        "since", Map.of("epoch", "e-elsewhere", "offset", 2));
                assertThat(otherEpoch.get("recovered").asBoolean()).isFalse();
                assertThat(texts(otherEpoch.get("messages"))).containsExactly("m6", "m7", "m8", "m9");
                jon.request("left", "type", "leave", "room", "recover");

                JsonNode future = jon.request("joined", "type", "join", "room", "recover",
                        "since", Map.of("epoch", epoch, "offset", 99));
                assertThat(future.get("recovered").asBoolean()).isFalse();
            }
        }
    }

    @Test
    void recoveryFailsBeyondTheRetainedHistory() {
        try (TestSocket kim = TestServers.member(server, "kim-s", "overflow")) {
            JsonNode joined = kim.request("joined", "type", "join", "room", "overflow");
            String epoch = joined.get("epoch").asText();
            for (int i = 1; i <= 13; i++) {
                kim.request("ack", "type", "send", "room", "overflow", "text", "m" + i);
            }
            try (TestSocket lee = TestSocket.login(server.webSocketUri(), "lee-s")) {
                JsonNode tooOld = lee.request("joined", "type", "join", "room", "overflow",
                        "since", Map.of("epoch", epoch, "offset", 2));
                assertThat(tooOld.get("recovered").asBoolean()).as("messages 3 and 4 are gone").isFalse();
                lee.request("left", "type", "leave", "room", "overflow");
                JsonNode edge = lee.request("joined", "type", "join", "room", "overflow",
                        "since", Map.of("epoch", epoch, "offset", 3));
                assertThat(edge.get("recovered").asBoolean()).isTrue();
                assertThat(offsets(edge.get("messages"))).containsExactly(4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L);
            }
        }
    }
}
