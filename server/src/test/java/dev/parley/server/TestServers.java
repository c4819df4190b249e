package dev.parley.server;

import dev.parley.server.config.ServerConfig;
import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.TestSocket;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Servers for the integration tests: loopback, any free port, short timers. */
final class TestServers {
    private TestServers() {
    }

    /** The base configuration of every test server; tests override what they exercise. */
    static ServerConfig.Builder config() {
        return ServerConfig.builder()
                .with("--host", "127.0.0.1")
                .with("--port", 0)
                .with("--io-threads", 4)
                .with("--heartbeat-ms", 500)
                .with("--idle-timeout-ms", 5_000)
                .with("--close-timeout-ms", 2_000)
                .with("--shutdown-grace-ms", 2_000)
                .with("--warm-up-messages", 0);
    }

    static ParleyServer start() {
        return ParleyServer.start(config().build());
    }

    static ParleyServer start(UnaryOperator<ServerConfig.Builder> customize) {
        return ParleyServer.start(customize.apply(config()).build());
    }

    /** A client that has said hello as {@code nick} and joined {@code room}. */
    static TestSocket member(ParleyServer server, String nick, String room) {
        TestSocket socket = TestSocket.login(server.webSocketUri(), nick);
        socket.request("joined", "type", "join", "id", "j-" + room, "room", room);
        return socket;
    }

    /**
     * A client that has said hello as {@code nick}, saying it again on a new connection while the
     * server answers {@code unavailable} (a Redis failover in progress refuses nick claims).
     */
    static TestSocket loginWhenServing(URI uri, String nick) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> {
            TestSocket socket = TestSocket.connect(uri);
            socket.send("type", "hello", "id", "hello", "nick", nick);
            JsonNode reply = socket.take(event -> event.path("type").asText().matches("welcome|error"), "welcome or error");
            if (reply.path("type").asText().equals("welcome")) {
                return socket;
            }
            assertThat(reply.path("code").asText()).isEqualTo("unavailable");
            socket.close();
            return null;
        }, socket -> socket != null);
    }

    /**
     * Sends {@code text} to {@code room} until it is acked: after the database came back, a send
     * may still meet a pooled connection that died with the server, and fail storing nothing.
     */
    static void sendUntilAcked(TestSocket socket, String room, String text) {
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            socket.send("type", "send", "room", room, "text", text);
            return socket.take(reply -> reply.path("type").asText().matches("ack|error"), "ack or error")
                    .get("type").asText().equals("ack");
        });
    }

    /**
     * On the packaged server {@code server}: alice joins {@code room} and sends {@code count}
     * messages ("crash 1", … with nonces); once every ack is in ({@code acked} gets their offsets)
     * the process is killed (SIGKILL). Returns the room's epoch.
     */
    static String ackedThenKilled(ServerProcess server, String room, int count, List<Long> acked)
            throws InterruptedException {
        try (TestSocket alice = TestSocket.login(server.awaitListening(), "alice")) {
            String epoch = alice.request("joined", "type", "join", "room", room).get("epoch").asText();
            for (int i = 1; i <= count; i++) {
                alice.send("type", "send", "id", i, "room", room, "text", "crash " + i, "nonce", "n-" + i);
            }
            for (int i = 1; i <= count; i++) {
                acked.add(alice.next("ack").get("offset").asLong());
            }
            server.close();
            return epoch;
        }
    }

    /** The room's members as {@code who} lists them, or an empty list when the node answers with an error. */
    static List<String> who(TestSocket socket, String room) {
        socket.send("type", "who", "room", room);
        JsonNode reply = socket.take(e -> e.path("type").asText().matches("members|error"), "members or error");
        List<String> members = new ArrayList<>();
        reply.path("members").forEach(m -> members.add(m.asText()));
        return members;
    }

    /** The next {@code count} room events {@code member} receives (message, edit, delete, reaction), each as "type offset". */
    static List<String> roomEvents(TestSocket member, int count) {
        List<String> events = new ArrayList<>();
        while (events.size() < count) {
            JsonNode event = member.take(e -> e.path("type").asText().matches("message|edit|delete|reaction"), "a room event");
            events.add(event.get("type").asText() + " " + event.get("offset").asLong());
        }
        return events;
    }

    /** The events of an answer's {@code messages}, each as "type offset". */
    static List<String> roomEvents(JsonNode messages) {
        List<String> events = new ArrayList<>();
        messages.forEach(event -> events.add(event.get("type").asText() + " " + event.get("offset").asLong()));
        return events;
    }
}
