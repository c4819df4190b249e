package dev.parley.server;

import dev.parley.testing.TestSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP side of the port: the browser client's files, /healthz, /readyz, /metrics, and the origin check. */
class HttpIT {
    private static ParleyServer server;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        server = TestServers.start(c -> c.with("--allowed-origins", List.of("https://chat.example.com")));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.httpUri().resolve(path));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sends a request line exactly as given, which java.net.http would normalise. */
    private static String raw(String requestLine) throws IOException {
        try (Socket socket = new Socket(server.address().getAddress(), server.address().getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write((requestLine + "\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void servesTheBrowserClientWithValidatorsAndAStrictPolicy() throws Exception {
        HttpResponse<String> index = get("/");
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(index.body()).containsIgnoringCase("<!doctype html>");
        String etag = index.headers().firstValue("etag").orElseThrow();
        assertThat(index.headers().firstValue("last-modified")).isPresent();
        assertThat(index.headers().firstValue("content-security-policy").orElseThrow())
                .contains("script-src 'self'").doesNotContain("unsafe-inline");
        assertThat(index.headers().firstValue("x-content-type-options")).hasValue("nosniff");

        assertThat(get("/", "If-None-Match", etag).statusCode()).isEqualTo(304);
        assertThat(get("/index.html").body()).isEqualTo(index.body());
        assertThat(get("/missing.js").statusCode()).isEqualTo(404);
    }

    @Test
    void refusesToClimbOutOfTheWebFolder() throws Exception {
        for (String path : List.of("GET /../pom.xml HTTP/1.1", "GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1",
                "GET /..%2fweb/index.html HTTP/1.1", "GET //etc/passwd HTTP/1.1", "GET /web/../index.html HTTP/1.1")) {
            String response = raw(path);
            assertThat(response).as(path).startsWith("HTTP/1.1 404");
        }
    }

    @Test
    void headAndMethods() throws Exception {
        HttpResponse<String> head = HTTP.send(HttpRequest.newBuilder(server.httpUri())
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValueAsLong("content-length").orElseThrow()).isPositive();
        HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(server.httpUri().resolve("/healthz"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("allow")).hasValue("GET, HEAD");
    }

    @Test
    void healthzReportsStatusConnectionsAndUptime() throws Exception {
        try (TestSocket client = TestSocket.connect(server.webSocketUri())) {
            org.awaitility.Awaitility.await().untilAsserted(() -> {
                HttpResponse<String> health = get("/healthz");
                assertThat(health.statusCode()).isEqualTo(200);
                assertThat(health.headers().firstValue("content-type")).hasValue("application/json");
                assertThat(health.body()).matches("\\{\"status\":\"ok\",\"connections\":1,\"uptimeMs\":\\d+}");
            });
        }
    }

    @Test
    void readyzSaysANodeInMemoryIsReady() throws Exception {
        HttpResponse<String> ready = get("/readyz");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(ready.headers().firstValue("cache-control")).hasValue("no-store");
        assertThat(ready.body()).isEqualTo("{\"status\":\"ready\"}");
    }

    @Test
    void metricsAreInThePrometheusFormat() throws Exception {
        try (TestSocket client = TestServers.member(server, "metered", "metrics-room")) {
            client.request("ack", "type", "send", "room", "metrics-room", "text", "count me");
            client.request("error", "type", "send", "room", "metrics-room", "text", "");
        }
        HttpResponse<String> metrics = get("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("content-type").orElseThrow()).startsWith("text/plain; version=0.0.4");
        assertThat(metrics.body()).contains(
                "# TYPE parley_connections_total counter",
                "parley_connections_active ",
                "parley_frames_in_total ",
                "parley_frames_out_total ",
                "parley_deliveries_total ",
                "parley_errors_total{code=\"bad_request\"} ",
                "parley_rooms_active ",
                "jvm_memory_used_bytes{area=\"heap\"");
        org.awaitility.Awaitility.await().untilAsserted(() ->
                assertThat(get("/metrics").body()).contains("parley_closes_total{code=\"1000\"}"));
    }

    @Test
    void theOriginAllowListGuardsTheUpgrade() throws Exception {
        URI ws = server.webSocketUri();
        try (TestSocket allowed = TestSocket.connect(ws, new org.java_websocket.drafts.Draft_6455(),
                Map.of("Origin", "https://chat.example.com"))) {
            allowed.request("welcome", "type", "hello", "nick", "from-allowed");
        }
        try (TestSocket noOrigin = TestSocket.connect(ws)) {
            noOrigin.request("welcome", "type", "hello", "nick", "no-origin");
        }
        String refused = raw("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: https://evil.example");
        assertThat(refused).startsWith("HTTP/1.1 403");
    }
}
