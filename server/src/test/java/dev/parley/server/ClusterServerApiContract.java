package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.Jwts;
import dev.parley.testing.TestSocket;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The server API acts across the cluster (two nodes, auth on): whichever node a request reaches,
 * {@code disconnect} closes the user's sessions on every node and {@code delete} reaches every member
 * of the room. Each implementation says what the nodes share.
 */
abstract class ClusterServerApiContract {
    static final String KEY = "backend-key-0123456789";

    /** Node {@code index} (0 or 1), configured with {@link #KEY} and {@link Jwts#SECRET}. */
    abstract ParleyServer node(int index);

    /** A session of {@code nick} with a valid token on node {@code index}. */
    private TestSocket login(int index, String nick) {
        TestSocket socket = TestSocket.connect(node(index).webSocketUri());
        socket.request("welcome", "type", "hello", "nick", nick, "token", Jwts.hs256(nick, Duration.ofMinutes(5)));
        return socket;
    }

    private ServerApiIT.Reply call(int index, String path, String body) throws Exception {
        return ServerApiIT.call(node(index), "POST", path, body, KEY);
    }

    @Test
    void disconnectThroughOneNodeClosesTheUsersSessionOnTheOther() throws Exception {
        try (TestSocket far = login(1, "api-far");
             TestSocket bystander = login(1, "api-bystander")) {
            ServerApiIT.Reply reply = call(0, "/api/disconnect", "{\"nick\":\"API-Far\",\"reason\":\"banned\"}");
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.body().get("nick").asText()).isEqualTo("API-Far");
            assertThat(far.awaitClose().code()).isEqualTo(1008);
            assertThat(bystander.request("pong", "type", "ping", "id", 1).get("id").asInt())
                    .as("other users stay connected").isEqualTo(1);
        }
        // The close frame can reach the client before its node has stopped listening for the user.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            ServerApiIT.Reply gone = call(0, "/api/disconnect", "{\"nick\":\"api-far\"}");
            assertThat(gone.status()).isEqualTo(404);
            assertThat(gone.code()).isEqualTo("no_such_user");
        });
    }

    @Test
    void disconnectClosesEverySessionOfTheUserOnEveryNode() throws Exception {
        try (TestSocket here = login(0, "api-both");
             TestSocket there = login(1, "api-both");
             TestSocket alsoThere = login(1, "api-both")) {
            assertThat(call(1, "/api/disconnect", "{\"nick\":\"api-both\"}").status()).isEqualTo(200);
            assertThat(here.awaitClose().code()).isEqualTo(1008);
            assertThat(there.awaitClose().code()).isEqualTo(1008);
            assertThat(alsoThere.awaitClose().code()).isEqualTo(1008);
        }
        try (TestSocket again = login(0, "api-both")) {
            assertThat(again.request("pong", "type", "ping", "id", 2).get("id").asInt())
                    .as("the user may come back: a disconnect is no ban").isEqualTo(2);
        }
    }

    @Test
    void deleteThroughOneNodeOfAMessageSentThroughTheOtherReachesMembersOnBoth() throws Exception {
        String room = "api-moderated";
        try (TestSocket sender = login(1, "api-sender");
             TestSocket near = login(0, "api-near")) {
            sender.request("joined", "type", "join", "room", room);
            near.request("joined", "type", "join", "room", room);
            long offset = sender.request("ack", "type", "send", "id", "s1", "room", room, "text", "spam spam")
                    .get("offset").asLong();
            assertThat(near.next("message").get("offset").asLong()).isEqualTo(offset);

            ServerApiIT.Reply reply = call(0, "/api/delete", "{\"room\":\"" + room + "\",\"offset\":" + offset + "}");
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.body().get("target").asLong()).isEqualTo(offset);
            long deleteOffset = reply.body().get("offset").asLong();
            for (TestSocket member : new TestSocket[] {sender, near}) {
                JsonNode delete = member.next("delete");
                assertThat(delete.get("target").asLong()).isEqualTo(offset);
                assertThat(delete.get("offset").asLong()).isEqualTo(deleteOffset);
                assertThat(delete.get("from").asText()).isEqualTo("system");
            }
            JsonNode history = sender.request("history", "type", "history", "id", "h", "room", room);
            assertThat(history.get("messages").get(0).path("deleted").asBoolean()).as("deleted on the other node too").isTrue();

            ServerApiIT.Reply again = call(1, "/api/delete", "{\"room\":\"" + room + "\",\"offset\":" + offset + "}");
            assertThat(again.status()).isEqualTo(404);
            assertThat(again.code()).isEqualTo("not_found");
        }
    }
}
