package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.TestSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Room messages, direct messages, typing, ping, and the error replies to malformed commands. */
class MessagingIT {
    private static ParleyServer server;

    @BeforeAll
    static void start() {
        server = TestServers.start(c -> c.with("--max-text-chars", 10));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void senderGetsTheAckFirstThenEveryMemberTheMessageInOffsetOrder() {
        try (TestSocket alice = TestServers.member(server, "alice-m", "chat");
             TestSocket bob = TestServers.member(server, "bob-m", "chat")) {
            alice.next("presence");
            alice.send("type", "send", "id", 4, "room", "chat", "text", "hello");
            alice.send("type", "send", "id", 5, "room", "chat", "text", "again");
            JsonNode ack = alice.next();
            assertThat(ack.get("type").asText()).isEqualTo("ack");
            assertThat(ack.get("id").asInt()).isEqualTo(4);
            assertThat(ack.get("room").asText()).isEqualTo("chat");
            assertThat(ack.get("offset").asLong()).isEqualTo(1);
            assertThat(ack.get("ts").asLong()).isPositive();
            JsonNode own = alice.next();
            assertThat(own.get("type").asText()).as("the ack precedes the sender's own message").isEqualTo("message");
            for (TestSocket member : new TestSocket[] {alice, bob}) {
                JsonNode first = member == alice ? own : member.next("message");
                assertThat(first.get("room").asText()).isEqualTo("chat");
                assertThat(first.get("offset").asLong()).isEqualTo(1);
                assertThat(first.get("ts").asLong()).isEqualTo(ack.get("ts").asLong());
                assertThat(first.get("from").asText()).isEqualTo("alice-m");
                assertThat(first.get("text").asText()).isEqualTo("hello");
                JsonNode second = member.next("message");
                assertThat(second.get("offset").asLong()).isEqualTo(2);
                assertThat(second.get("text").asText()).isEqualTo("again");
            }
            assertThat(alice.next("ack").get("offset").asLong()).isEqualTo(2);
        }
    }

    @Test
    void aSendRepeatedWithItsNonceIsAckedWithTheFirstOffsetAndDeliveredOnce() {
        try (TestSocket alice = TestServers.member(server, "alice-n", "nonces");
             TestSocket bob = TestServers.member(server, "bob-n", "nonces")) {
            alice.next("presence");
            JsonNode first = alice.request("ack", "type", "send", "id", 1, "room", "nonces", "text", "once", "nonce", "n-1");
            JsonNode again = alice.request("ack", "type", "send", "id", 2, "room", "nonces", "text", "once", "nonce", "n-1");
            assertThat(again.get("id").asInt()).isEqualTo(2);
            assertThat(again.get("offset").asLong()).isEqualTo(first.get("offset").asLong()).isEqualTo(1);
            assertThat(again.get("ts").asLong()).isEqualTo(first.get("ts").asLong());
            assertThat(bob.request("ack", "type", "send", "room", "nonces", "text", "mine", "nonce", "n-1")
                    .get("offset").asLong()).as("another sender's nonce").isEqualTo(2);
            for (TestSocket member : new TestSocket[] {alice, bob}) {
                assertThat(member.next("message").get("text").asText()).isEqualTo("once");
                assertThat(member.next("message").get("text").asText()).isEqualTo("mine");
                member.request("pong", "type", "ping");
                assertThat(member.has("message")).as("delivered once").isFalse();
            }
            JsonNode badNonce = alice.request("error", "type", "send", "id", 3, "room", "nonces", "text", "x",
                    "nonce", "n".repeat(65));
            assertThat(badNonce.get("code").asText()).isEqualTo("bad_request");
            assertThat(badNonce.get("id").asInt()).isEqualTo(3);
        }
    }

    @Test
    void searchIsUnsupportedWithoutDurableHistory() {
        try (TestSocket ola = TestServers.member(server, "ola-s", "searching")) {
            JsonNode error = ola.request("error", "type", "search", "id", 12, "room", "searching", "query", "deploy");
            assertThat(error.get("code").asText()).isEqualTo("unsupported");
            assertThat(error.get("id").asInt()).isEqualTo(12);
            assertThat(ola.request("error", "type", "search", "room", "searching", "query", "x", "limit", 51)
                    .get("code").asText()).isEqualTo("bad_request");
        }
    }

    @Test
    void textLength() {
        try (TestSocket carl = TestServers.member(server, "carl-m", "lengths")) {
            assertThat(carl.request("error", "type", "send", "id", 1, "room", "lengths", "text", "x".repeat(11))
                    .get("code").asText()).isEqualTo("text_too_long");
            assertThat(carl.request("error", "type", "send", "room", "lengths", "text", "").get("code").asText())
                    .isEqualTo("bad_request");
            carl.request("ack", "type", "send", "room", "lengths", "text", "x".repeat(10));
            String tenEmoji = "\uD83D\uDE00".repeat(10);
            carl.request("ack", "type", "send", "room", "lengths", "text", tenEmoji);
            assertThat(carl.next("message").get("text").asText()).isEqualTo("x".repeat(10));
            assertThat(carl.next("message").get("text").asText()).as("characters, not UTF-16 units").isEqualTo(tenEmoji);
            assertThat(carl.request("error", "type", "dm", "to", "carl-m", "text", "y".repeat(11)).get("code").asText())
                    .isEqualTo("text_too_long");
        }
    }

    @Test
    void directMessages() {
        try (TestSocket dora = TestSocket.login(server.webSocketUri(), "Dora");
             TestSocket ed = TestSocket.login(server.webSocketUri(), "ed-m")) {
            JsonNode ack = ed.request("ack", "type", "dm", "id", 5, "to", "dora", "text", "psst");
            assertThat(ack.get("id").asInt()).isEqualTo(5);
            assertThat(ack.has("offset")).isFalse();
            assertThat(ack.get("ts").asLong()).isPositive();
            JsonNode dm = dora.next("dm");
            assertThat(dm.get("from").asText()).isEqualTo("ed-m");
            assertThat(dm.get("to").asText()).isEqualTo("Dora");
            assertThat(dm.get("text").asText()).isEqualTo("psst");
            assertThat(dm.get("ts").asLong()).isEqualTo(ack.get("ts").asLong());
            JsonNode missing = ed.request("error", "type", "dm", "id", 6, "to", "nobody", "text", "hi");
            assertThat(missing.get("code").asText()).isEqualTo("no_such_user");
            assertThat(missing.get("id").asInt()).isEqualTo(6);
            assertThat(ed.request("error", "type", "dm", "to", "not valid", "text", "hi").get("code").asText())
                    .isEqualTo("no_such_user");
        }
    }

    @Test
    void typingReachesTheOtherMembersOnly() {
        try (TestSocket fred = TestServers.member(server, "fred-t", "typing-room");
             TestSocket gina = TestServers.member(server, "gina-t", "typing-room")) {
            fred.next("presence");
            gina.send("type", "typing", "room", "typing-room");
            JsonNode typing = fred.next("typing");
            assertThat(typing.get("room").asText()).isEqualTo("typing-room");
            assertThat(typing.get("nick").asText()).isEqualTo("gina-t");
            gina.request("pong", "type", "ping");
            assertThat(gina.has("typing")).isFalse();
            assertThat(gina.request("history", "type", "history", "room", "typing-room").get("messages"))
                    .as("typing is never stored").isEmpty();
        }
    }

    @Test
    void pingIsAnsweredWithPong() {
        try (TestSocket hank = TestSocket.login(server.webSocketUri(), "hank-p")) {
            long before = System.currentTimeMillis();
            JsonNode pong = hank.request("pong", "type", "ping", "id", 9);
            assertThat(pong.get("id").asInt()).isEqualTo(9);
            assertThat(pong.get("ts").asLong()).isBetween(before - 1000, System.currentTimeMillis() + 1000);
            assertThat(hank.request("pong", "type", "ping", "id", "str-id").get("id").asText()).isEqualTo("str-id");
        }
    }

    @Test
    void malformedCommandsGetErrorsAndTheConnectionStaysOpen() {
        try (TestSocket iris = TestSocket.login(server.webSocketUri(), "iris-e")) {
            iris.send("this is not json");
            assertThat(iris.next("error").get("code").asText()).isEqualTo("bad_json");
            iris.send("[1,2,3]");
            assertThat(iris.next("error").get("code").asText()).isEqualTo("bad_json");
            iris.send("{\"id\":3}");
            JsonNode noType = iris.next("error");
            assertThat(noType.get("code").asText()).isEqualTo("bad_request");
            assertThat(noType.get("id").asInt()).isEqualTo(3);
            iris.send("{\"type\":\"teleport\",\"id\":\"t\"}");
            JsonNode unknown = iris.next("error");
            assertThat(unknown.get("code").asText()).isEqualTo("unknown_type");
            assertThat(unknown.get("id").asText()).isEqualTo("t");
            iris.send("{\"type\":\"join\",\"id\":4,\"room\":42}");
            assertThat(iris.next("error").get("code").asText()).isEqualTo("bad_request");
            iris.send("{\"type\":\"ping\",\"id\":{\"no\":1}}");
            JsonNode badId = iris.next("error");
            assertThat(badId.get("code").asText()).isEqualTo("bad_request");
            assertThat(badId.has("id")).isFalse();
            iris.send("{\"type\":\"ping\",\"id\":7,\"futureField\":[1]}");
            assertThat(iris.next("pong").get("id").asInt()).as("unknown fields are ignored").isEqualTo(7);
            assertThat(iris.isOpen()).isTrue();
        }
    }
}
