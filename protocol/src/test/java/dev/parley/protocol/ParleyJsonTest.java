package dev.parley.protocol;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ParleyJsonTest {

    @Test
    void writesEventsWithTheirTypeFirstAndWithoutNulls() {
        String json = ParleyJson.write(new ServerEvent.Ack(RequestId.of("a"), null, null, 5));
        assertThat(json).isEqualTo("{\"type\":\"ack\",\"id\":\"a\",\"ts\":5}");
    }

    @Test
    void nestedMessagesCarryTheirType() {
        ServerEvent.Message m = new ServerEvent.Message("r", 1, 2, "alice", "hi");
        String json = ParleyJson.write(ServerEvent.History.ofRoom(RequestId.of(8), "r", "e-1", List.of(m)));
        assertThat(json).isEqualTo("{\"type\":\"history\",\"id\":8,\"room\":\"r\",\"epoch\":\"e-1\",\"messages\":"
                + "[{\"type\":\"message\",\"room\":\"r\",\"offset\":1,\"ts\":2,\"from\":\"alice\",\"text\":\"hi\"}]}");
    }

    @Test
    void aConversationPageHoldsDirectMessagesWithTheirSeq() throws Exception {
        ServerEvent.Dm dm = new ServerEvent.Dm("alice", "bob", "psst", 8, 3L, null);
        ServerEvent.History<ServerEvent.Dm> page = ServerEvent.History.withUser(RequestId.of(9), "bob", List.of(dm));
        String json = ParleyJson.write(page);
        assertThat(json).isEqualTo("{\"type\":\"history\",\"id\":9,\"with\":\"bob\",\"messages\":"
                + "[{\"type\":\"dm\",\"from\":\"alice\",\"to\":\"bob\",\"text\":\"psst\",\"ts\":8,\"seq\":3}]}");
        assertThat(ParleyJson.readEvent(json)).isEqualTo(page);
    }

    @Test
    void aVersionOneDmHasNeitherSeqNorStored() {
        assertThat(ParleyJson.write(new ServerEvent.Dm("alice", "bob", "psst", 8)))
                .isEqualTo("{\"type\":\"dm\",\"from\":\"alice\",\"to\":\"bob\",\"text\":\"psst\",\"ts\":8}");
        assertThat(ParleyJson.write(new ServerEvent.Dm("alice", "bob", "psst", 8, 4L, null).asStored()))
                .endsWith("\"seq\":4,\"stored\":true}");
    }

    @Test
    void roundTripsEveryEvent() throws Exception {
        List<ServerEvent> events = List.of(
                new ServerEvent.Welcome(RequestId.of(1), "s-1", "alice", "sec", 25000, 60000,
                        new Limits(65536, 4000, 50, 20, 40, 1000, 1000, 1), "parley/1"),
                new ServerEvent.Joined(RequestId.of(2), "r", "e-1", 3, List.of("alice"), 1, true,
                        List.of(new ServerEvent.Message("r", 3, 9, "bob", "yo")), null),
                new ServerEvent.Left(RequestId.of(3), "r"),
                new ServerEvent.Ack(RequestId.of(4), "r", 58L, 1),
                new ServerEvent.Presence("r", ServerEvent.PresenceKind.LEAVE, "bob", 7),
                new ServerEvent.Dm("alice", "bob", "psst", 8),
                ServerEvent.History.ofRoom(RequestId.of(8), "r", "e-1", List.of(new ServerEvent.Message("r", 1, 2, "a", "hi"))),
                new ServerEvent.Typing("r", "bob"),
                new ServerEvent.Occupancy("r", 12345, 11),
                new ServerEvent.Members(RequestId.of(6), "r", List.of("a", "b"), "b"),
                new ServerEvent.Members(RequestId.of(6), "r", List.of("c"), null),
                new ServerEvent.Rooms(RequestId.of(7), List.of(new ServerEvent.RoomInfo("r", 12))),
                new ServerEvent.Pong(RequestId.of(9), 10),
                new ServerEvent.Error(null, ErrorCode.NICK_TAKEN, "taken"));
        for (ServerEvent event : events) {
            assertThat(ParleyJson.readEvent(ParleyJson.write(event))).isEqualTo(event);
        }
        assertThat(ParleyJson.write(events.get(4))).contains("\"event\":\"leave\"");
        assertThat(ParleyJson.write(events.get(13))).contains("\"code\":\"nick_taken\"");
    }

    @Test
    void roomEventsAndMessageStateAreWrittenAsTheContractSpellsThemAndReadBack() throws Exception {
        assertThat(ParleyJson.write(new ServerEvent.Message("r", 1, 2, "alice", "hi")))
                .as("a version-1 message gains no field").isEqualTo(
                        "{\"type\":\"message\",\"room\":\"r\",\"offset\":1,\"ts\":2,\"from\":\"alice\",\"text\":\"hi\"}");
        ServerEvent.Message stated = new ServerEvent.Message("r", 58, 2, "alice", "hello!", 57L, 9L, null,
                List.of(new ServerEvent.ReactionCount("\ud83d\udc4d", 3, List.of("bob", "carol", "dave"))));
        assertThat(ParleyJson.write(stated)).endsWith("\"text\":\"hello!\",\"replyTo\":57,\"edited\":9,"
                + "\"reactions\":[{\"emoji\":\"\ud83d\udc4d\",\"count\":3,\"nicks\":[\"bob\",\"carol\",\"dave\"]}]}");
        assertThat(ParleyJson.write(stated.withTextDeleted())).endsWith("\"from\":\"alice\",\"replyTo\":57,\"deleted\":true}");
        assertThat(ParleyJson.write(new ServerEvent.Edit("general", 61, 58, "alice", "hello!", 5))).isEqualTo(
                "{\"type\":\"edit\",\"room\":\"general\",\"offset\":61,\"target\":58,\"from\":\"alice\","
                        + "\"text\":\"hello!\",\"ts\":5}");
        assertThat(ParleyJson.write(new ServerEvent.Edit("general", 61, 58, "alice", "hello!", 5).withTextDeleted()))
                .doesNotContain("text");
        assertThat(ParleyJson.write(new ServerEvent.Delete("general", 62, 58, "alice", 6))).isEqualTo(
                "{\"type\":\"delete\",\"room\":\"general\",\"offset\":62,\"target\":58,\"from\":\"alice\",\"ts\":6}");
        assertThat(ParleyJson.write(new ServerEvent.Reaction("general", 63, 58, "bob", "+", true, 7))).isEqualTo(
                "{\"type\":\"reaction\",\"room\":\"general\",\"offset\":63,\"target\":58,\"from\":\"bob\","
                        + "\"emoji\":\"+\",\"on\":true,\"ts\":7}");
        List<ServerEvent.RoomEvent> log = List.of(stated, new ServerEvent.Edit("r", 61, 58, "alice", null, 5),
                new ServerEvent.Delete("r", 62, 58, "alice", 6), new ServerEvent.Reaction("r", 63, 58, "bob", "+", false, 7));
        ServerEvent joined = new ServerEvent.Joined(RequestId.of(2), "r", "e-1", 63, List.of("alice"), 1, true, log, null);
        assertThat(ParleyJson.readEvent(ParleyJson.write(joined))).isEqualTo(joined);
        ServerEvent history = ServerEvent.History.ofRoom(RequestId.of(3), "r", "e-1", log);
        assertThat(ParleyJson.readEvent(ParleyJson.write(history))).isEqualTo(history);
    }

    @Test
    void writesTheLargeRoomFieldsAsTheContractSpellsThem() {
        assertThat(ParleyJson.write(new ServerEvent.Occupancy("general", 12345, 7)))
                .isEqualTo("{\"type\":\"occupancy\",\"room\":\"general\",\"members\":12345,\"ts\":7}");
        assertThat(ParleyJson.write(new ServerEvent.Members(RequestId.of(6), "r", List.of("a"), "a")))
                .isEqualTo("{\"type\":\"members\",\"id\":6,\"room\":\"r\",\"members\":[\"a\"],\"next\":\"a\"}");
        assertThat(ParleyJson.write(new ServerEvent.Members(RequestId.of(6), "r", List.of("a"), null)))
                .as("the last page has no next").doesNotContain("next");
        assertThat(ParleyJson.write(new ServerEvent.Joined(null, "r", "e-1", 0, List.of("a"), 1500, false, List.of(), null)))
                .contains("\"members\":[\"a\"],\"memberCount\":1500");
    }

    @Test
    void readsUnknownEventsAsNullAndIgnoresUnknownFields() throws Exception {
        assertThat(ParleyJson.readEvent("{\"type\":\"teleport\",\"x\":1}")).isNull();
        assertThat(ParleyJson.readEvent("{\"type\":\"pong\",\"id\":1,\"ts\":2,\"extra\":true}"))
                .isEqualTo(new ServerEvent.Pong(RequestId.of(1), 2));
    }

    @Test
    void writesCommandsAsTheServerReadsThem() throws Exception {
        Command join = new Command.Join(RequestId.of(2), "general", new StreamPosition("e-1", 41));
        assertThat(CommandDecoder.decode(ParleyJson.mapper().readTree(ParleyJson.write(join)))).isEqualTo(join);
    }
}
