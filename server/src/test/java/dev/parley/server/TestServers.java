package dev.parley.server;

import dev.parley.server.config.ServerConfig;
import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.TestSocket;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

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
                .with("--shutdown-grace-ms", 2_000);
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

    /** The room's members as {@code who} lists them, or an empty list when the node answers with an error. */
    static List<String> who(TestSocket socket, String room) {
        socket.send("type", "who", "room", room);
        JsonNode reply = socket.take(e -> e.path("type").asText().matches("members|error"), "members or error");
        List<String> members = new ArrayList<>();
        reply.path("members").forEach(m -> members.add(m.asText()));
        return members;
    }
}
