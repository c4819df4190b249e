package dev.parley.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.handshake.ServerHandshake;

import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * A real WebSocket client (Java-WebSocket) that records every event the server sends and lets a
 * test wait for them with a timeout, in the manner of OkHttp's {@code WebSocketRecorder}.
 *
 * <p>{@link #next()} takes events strictly in arrival order; {@link #next(String)} takes the first
 * event of a type and leaves the others queued.
 */
public final class TestSocket implements AutoCloseable {
    public static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Client client;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    /** Guarded by {@link #lock}. */
    private final List<JsonNode> events = new ArrayList<>();
    private final CompletableFuture<Close> closed = new CompletableFuture<>();

    /** How the connection ended: the close code and reason, and whether the server closed it. */
    public record Close(int code, String reason, boolean remote) {
    }

    private TestSocket(URI uri, Draft draft, Map<String, String> headers) {
        this.client = new Client(uri, draft, headers);
    }

    /** Connects and waits for the WebSocket handshake. */
    public static TestSocket connect(URI uri) {
        return connect(uri, new Draft_6455(), Map.of());
    }

    public static TestSocket connect(URI uri, Draft draft, Map<String, String> headers) {
        TestSocket socket = new TestSocket(uri, draft, headers);
        try {
            if (!socket.client.connectBlocking(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("could not connect to " + uri);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return socket;
    }

    /** Connects, says hello as {@code nick} and waits for the welcome. */
    public static TestSocket login(URI uri, String nick) {
        TestSocket socket = connect(uri);
        socket.send("{\"type\":\"hello\",\"id\":\"hello\",\"nick\":\"" + nick + "\"}");
        socket.next("welcome");
        return socket;
    }

    /** The underlying client, for raw frames and handshake details. */
    public WebSocketClient client() {
        return client;
    }

    public void send(String text) {
        client.send(text);
    }

    /** Sends a command built from alternating field names and values, such as {@code "type", "join", "room", "r"}. */
    public void send(Object... fieldsAndValues) {
        ObjectNode node = JSON.createObjectNode();
        for (int i = 0; i < fieldsAndValues.length; i += 2) {
            node.set((String) fieldsAndValues[i], JSON.valueToTree(fieldsAndValues[i + 1]));
        }
        client.send(node.toString());
    }

    /** Sends a command and waits for the reply of type {@code replyType}. */
    public JsonNode request(String replyType, Object... fieldsAndValues) {
        send(fieldsAndValues);
        return next(replyType);
    }

    /** The next event, whatever its type. */
    public JsonNode next() {
        return take(event -> true, "any event");
    }

    /** The first queued or arriving event of {@code type}; events of other types stay queued. */
    public JsonNode next(String type) {
        return take(event -> type.equals(event.path("type").asText()), "an event of type " + type);
    }

    /** The first queued or arriving event that matches. */
    public JsonNode take(Predicate<JsonNode> matches, String description) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        lock.lock();
        try {
            while (true) {
                for (int i = 0; i < events.size(); i++) {
                    if (matches.test(events.get(i))) {
                        return events.remove(i);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("timed out waiting for " + description + "; queued: " + events
                            + (closed.isDone() ? "; closed: " + closed.join() : ""));
                }
                arrived.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            lock.unlock();
        }
    }

    /** The events queued right now, oldest first, without taking them. */
    public List<JsonNode> queued() {
        lock.lock();
        try {
            return List.copyOf(events);
        } finally {
            lock.unlock();
        }
    }

    /** Whether an event of {@code type} is queued now. */
    public boolean has(String type) {
        return queued().stream().anyMatch(e -> type.equals(e.path("type").asText()));
    }

    /** Waits for the connection to end. */
    public Close awaitClose() {
        return awaitClose(TIMEOUT);
    }

    public Close awaitClose(Duration timeout) {
        try {
            return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("connection not closed within " + timeout + "; queued: " + queued(), e);
        }
    }

    public boolean isOpen() {
        return client.isOpen();
    }

    /** Closes the connection without waiting. */
    @Override
    public void close() {
        client.close();
    }

    private final class Client extends WebSocketClient {
        Client(URI uri, Draft draft, Map<String, String> headers) {
            super(uri, draft, headers);
            setConnectionLostTimeout(0);
        }

        @Override
        public void onOpen(ServerHandshake handshake) {
        }

        @Override
        public void onMessage(String message) {
            JsonNode event;
            try {
                event = JSON.readTree(message);
            } catch (Exception e) {
                throw new UncheckedIOException(new java.io.IOException("server sent bad JSON: " + message, e));
            }
            lock.lock();
            try {
                events.add(event);
                arrived.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void onClose(int code, String reason, boolean remote) {
            closed.complete(new Close(code, reason, remote));
            lock.lock();
            try {
                arrived.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void onError(Exception ex) {
        }
    }
}
