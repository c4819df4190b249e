package dev.parley.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An application's backend for the hook tests: a real HTTP server (the JDK's) on a free loopback
 * port that records every request and answers it as its current {@link Responder} says, each
 * request on its own thread, so that one may be held while another is answered.
 */
public final class HookBackend implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The longest any responder holds a request, so that a test's end is never waited on for long. */
    private static final Duration MOST_HELD = Duration.ofSeconds(30);

    /** A request the backend received: its headers, its body, and the client's port (one per connection). */
    public record Call(Headers headers, String body, int clientPort) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public String header(String name) {
            return headers.getFirst(name);
        }
    }

    /** How the backend answers a call. */
    @FunctionalInterface
    public interface Responder {
        void answer(Call call, HttpExchange exchange) throws IOException, InterruptedException;
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "hook-backend");
        thread.setDaemon(true);
        return thread;
    });
    private final BlockingQueue<Call> calls = new LinkedBlockingQueue<>();
    /** Completed at close: whatever a responder still holds lets go. */
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private volatile Responder responder = json(200, "{\"action\":\"accept\"}");

    private HookBackend(HttpServer server) {
        this.server = server;
        server.setExecutor(threads);
        server.createContext("/", exchange -> {
            try (exchange) {
                Call call = new Call(exchange.getRequestHeaders(),
                        new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                        exchange.getRemoteAddress().getPort());
                calls.add(call);
                responder.answer(call, exchange);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException clientWentAway) {
                // the server under test gave up on the request: what some tests want
            }
        });
        server.start();
    }

    /** Starts a backend answering {@code {"action":"accept"}}. */
    public static HookBackend start() {
        try {
            return new HookBackend(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where the backend listens. */
    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    }

    /** Answers every request from now on as {@code responder} says; forgets the requests received so far. */
    public void answer(Responder responder) {
        this.responder = responder;
        calls.clear();
    }

    /** The next request received, waiting for it up to {@link TestSocket#TIMEOUT}. */
    public Call nextCall() {
        try {
            Call call = calls.poll(TestSocket.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (call == null) {
                throw new AssertionError("the backend received no request within " + TestSocket.TIMEOUT);
            }
            return call;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** How many requests were received and not yet taken by {@link #nextCall()}. */
    public int pendingCalls() {
        return calls.size();
    }

    /** Answers {@code status} with {@code body} as JSON. */
    public static Responder json(int status, String body) {
        return (call, exchange) -> send(exchange, status, body.getBytes(StandardCharsets.UTF_8));
    }

    /** Answers a redirect to {@code location}. */
    public static Responder redirect(int status, String location) {
        return (call, exchange) -> {
            exchange.getResponseHeaders().set("location", location);
            send(exchange, status, new byte[0]);
        };
    }

    /** Holds the request until the backend closes: no answer at all. */
    public Responder silent() {
        return (call, exchange) -> closed.completeOnTimeout(null, MOST_HELD.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    /**
     * Answers 200 and then drips {@code body} a byte every {@code pause}, so that the whole answer
     * takes longer than the client waits; stops when the client goes away or the backend closes.
     */
    public Responder drip(String body, Duration pause) {
        return (call, exchange) -> {
            exchange.getResponseHeaders().set("content-type", "application/json");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            for (byte b : body.getBytes(StandardCharsets.UTF_8)) {
                if (closed.isDone()) {
                    return;
                }
                out.write(b);
                out.flush();
                Thread.sleep(pause.toMillis());
            }
        };
    }

    /** Answers as {@code then} once {@code gate} completes (at most until the backend closes). */
    public Responder after(CompletableFuture<?> gate, Responder then) {
        return (call, exchange) -> {
            CompletableFuture.anyOf(gate, closed).completeOnTimeout(null, MOST_HELD.toMillis(), TimeUnit.MILLISECONDS).join();
            then.answer(call, exchange);
        };
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("content-type", "application/json");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }

    @Override
    public void close() {
        closed.complete(null);
        server.stop(0);
        threads.shutdownNow();
    }
}
