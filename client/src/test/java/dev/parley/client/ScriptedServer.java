package dev.parley.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A fake Parley server on Java-WebSocket, for what a real server never does on its own: stay
 * silent, ignore a request, refuse a resume with {@code nick_taken}. Every command is recorded
 * with the number of the connection it came on (from 1); {@link Script} decides the answer.
 * It sends no WebSocket pings.
 */
final class ScriptedServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The answer to one command: a JSON text to send, or {@code null} to stay silent. */
    interface Script {
        String answer(int connection, JsonNode command);
    }

    record Received(int connection, JsonNode command) {
        String type() {
            return command.path("type").asText();
        }
    }

    final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<WebSocket> sockets = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private final Server server;

    ScriptedServer(Script script) {
        server = new Server(script);
        server.setConnectionLostTimeout(0);
        server.setReuseAddr(true);
        server.start();
        try {
            started.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("fake server did not start", e);
        }
    }

    /** A script that welcomes every hello (resume secret {@code r<connection>}) and ignores everything else. */
    static ScriptedServer silentAfterWelcome(long heartbeatMs) {
        return new ScriptedServer((connection, command) -> command.path("type").asText().equals("hello")
                ? welcome(command, "r" + connection, heartbeatMs) : null);
    }

    static String welcome(JsonNode hello, String resume, long heartbeatMs) {
        ObjectNode w = JSON.createObjectNode();
        w.put("type", "welcome");
        w.set("id", hello.get("id"));
        w.put("session", "s-fake");
        w.put("nick", hello.path("nick").asText());
        w.put("resume", resume);
        w.put("heartbeatMs", heartbeatMs);
        w.put("idleTimeoutMs", heartbeatMs * 3);
        w.put("server", "fake");
        return w.toString();
    }

    static String error(JsonNode command, String code) {
        ObjectNode e = JSON.createObjectNode();
        e.put("type", "error");
        e.set("id", command.get("id"));
        e.put("code", code);
        e.put("message", "scripted " + code);
        return e.toString();
    }

    URI uri() {
        return URI.create("ws://127.0.0.1:" + server.getPort() + "/ws");
    }

    int connections() {
        return sockets.size();
    }

    List<Received> received(String type) {
        return received.stream().filter(r -> r.type().equals(type)).toList();
    }

    /** Closes every open connection from the server's side with {@code code}. */
    void closeAll(int code) {
        for (WebSocket socket : sockets) {
            socket.close(code, "scripted close");
        }
    }

    @Override
    public void close() {
        try {
            server.stop(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Server extends WebSocketServer {
        private final Script script;

        Server(Script script) {
            super(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            this.script = script;
        }

        @Override
        public void onOpen(WebSocket socket, ClientHandshake handshake) {
            sockets.add(socket);
            socket.setAttachment(sockets.size());
        }

        @Override
        public void onMessage(WebSocket socket, String text) {
            int connection = socket.<Integer>getAttachment();
            JsonNode command;
            try {
                command = JSON.readTree(text);
            } catch (Exception e) {
                throw new UncheckedIOException(new java.io.IOException("client sent bad JSON: " + text, e));
            }
            received.add(new Received(connection, command));
            String answer = script.answer(connection, command);
            if (answer != null) {
                socket.send(answer);
            }
        }

        @Override
        public void onClose(WebSocket socket, int code, String reason, boolean remote) {
        }

        @Override
        public void onError(WebSocket socket, Exception e) {
        }

        @Override
        public void onStart() {
            started.complete(null);
        }
    }
}
