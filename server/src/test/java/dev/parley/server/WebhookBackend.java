package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;

/**
 * An application's backend for the webhook tests: a real HTTP server on a loopback port that
 * records every attempt it gets and answers each with the status its answer function gives the
 * body (204 unless told otherwise), and checks signatures with the Standard Webhooks recipe.
 */
final class WebhookBackend implements AutoCloseable {
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as it came, and the status it was answered. */
    record Attempt(String id, String timestamp, String signature, String raw, JsonNode body, int status) {
        String type() {
            return body.path("type").asText();
        }
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(8);
    private final List<Attempt> attempts = new CopyOnWriteArrayList<>();
    private volatile ToIntFunction<JsonNode> answer = body -> 204;
    /** Requests being answered now, by the room they name. */
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final AtomicInteger mostAtOnceInARoom = new AtomicInteger();

    private WebhookBackend(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.createContext("/hooks", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    static WebhookBackend start() throws IOException {
        return new WebhookBackend(0);
    }

    /** A backend on {@code port}, e.g. one that refused connections until now. */
    static WebhookBackend start(int port) throws IOException {
        return new WebhookBackend(port);
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hooks");
    }

    /** From now on, each webhook is answered the status {@code answer} gives its body. */
    void answer(ToIntFunction<JsonNode> answer) {
        this.answer = answer;
    }

    List<Attempt> attempts() {
        return List.copyOf(attempts);
    }

    /** The bodies answered 2xx, in the order they were answered. */
    List<JsonNode> delivered() {
        return attempts.stream().filter(attempt -> attempt.status() / 100 == 2).map(Attempt::body).toList();
    }

    /** The delivered webhooks of {@code type}'s data fields {@code field}, in delivery order. */
    List<String> delivered(String type, String field) {
        return delivered().stream().filter(body -> body.path("type").asText().equals(type))
                .map(body -> body.path("data").path(field).asText()).toList();
    }

    /** The most requests naming one room that were being answered at once. */
    int mostAtOnceInARoom() {
        return mostAtOnceInARoom.get();
    }

    /**
     * The data of the delivered webhooks of {@code type} in {@code room}, each id once (a webhook
     * may come more than once: at least once), in the order they were first answered 2xx.
     */
    List<JsonNode> deliveredOnce(String type, String room) {
        Map<String, JsonNode> first = new LinkedHashMap<>();
        delivered().stream().filter(body -> body.path("type").asText().equals(type)
                        && body.path("data").path("room").asText().equals(room))
                .forEach(body -> first.putIfAbsent(body.path("id").asText(), body.path("data")));
        return List.copyOf(first.values());
    }

    /** Whether the attempt's signature is the HMAC-SHA256 of "id.timestamp.body" under the secret. */
    static boolean verifies(Attempt attempt) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(SECRET.substring("whsec_".length())), "HmacSHA256"));
        byte[] expected = mac.doFinal((attempt.id() + "." + attempt.timestamp() + "." + attempt.raw())
                .getBytes(StandardCharsets.UTF_8));
        return attempt.signature().equals("v1," + Base64.getEncoder().encodeToString(expected));
    }

    private void handle(HttpExchange exchange) throws IOException {
        String raw;
        try (InputStream in = exchange.getRequestBody()) {
            raw = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        JsonNode body = JSON.readTree(raw);
        // Webhooks without a room (session.opened, …) each go their own way and may overlap.
        String roomName = body.path("data").path("room").asText();
        AtomicInteger room = roomName.isEmpty() ? new AtomicInteger()
                : inFlight.computeIfAbsent(roomName, name -> new AtomicInteger());
        mostAtOnceInARoom.accumulateAndGet(room.incrementAndGet(), Math::max);
        int status;
        try {
            status = answer.applyAsInt(body);
        } finally {
            room.decrementAndGet();
        }
        attempts.add(new Attempt(exchange.getRequestHeaders().getFirst("webhook-id"),
                exchange.getRequestHeaders().getFirst("webhook-timestamp"),
                exchange.getRequestHeaders().getFirst("webhook-signature"), raw, body, status));
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
