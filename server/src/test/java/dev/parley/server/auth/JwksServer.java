package dev.parley.server.auth;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An identity provider's JWKS endpoint for tests: a real HTTP server on a free loopback port that
 * answers {@code GET /jwks.json} with what the test set, counts the requests and can hold its answers.
 */
public final class JwksServer implements AutoCloseable {
    private final HttpServer http;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicBoolean open = new AtomicBoolean(true);
    private volatile int status = 200;
    private volatile String body = "{\"keys\":[]}";
    private volatile CountDownLatch held = new CountDownLatch(0);

    private JwksServer() throws IOException {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.setExecutor(executor);
        http.createContext("/jwks.json", exchange -> {
            requests.incrementAndGet();
            try {
                held.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("content-type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        http.start();
    }

    /** A server that publishes the public parts of {@code keys}. */
    public static JwksServer serving(JWK... keys) {
        try {
            JwksServer server = new JwksServer();
            server.publish(keys);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/jwks.json");
    }

    /** From now on answers 200 with the public parts of {@code keys}. */
    public void publish(JWK... keys) {
        answer(200, new JWKSet(List.of(keys)).toPublicJWKSet().toString());
    }

    /** From now on answers {@code status} with {@code body}. */
    public void answer(int status, String body) {
        this.status = status;
        this.body = body;
    }

    /** Holds every answer until {@link #release()}. */
    public void hold() {
        held = new CountDownLatch(1);
    }

    public void release() {
        held.countDown();
    }

    /** The requests received so far. */
    public int requests() {
        return requests.get();
    }

    /** Stops answering: connections are refused from now on. Closing again does nothing. */
    @Override
    public void close() {
        if (!open.compareAndSet(true, false)) {
            return;
        }
        release();
        http.stop(0);
        executor.shutdownNow();
    }
}
