package dev.parley.server.http;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class StaticFileHandlerTest {
    private final EmbeddedChannel channel = new EmbeddedChannel(
            new HealthHandler(() -> false, () -> 3),
            new StaticFileHandler(StaticFiles.load(StaticFileHandlerTest.class.getClassLoader())));

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
    }

    private FullHttpResponse get(String uri, String... headers) {
        return request(HttpMethod.GET, uri, headers);
    }

    private FullHttpResponse request(HttpMethod method, String uri, String... headers) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri);
        for (int i = 0; i < headers.length; i += 2) {
            request.headers().set(headers[i], headers[i + 1]);
        }
        channel.writeInbound(request);
        return channel.readOutbound();
    }

    private static String body(FullHttpResponse response) {
        try {
            return response.content().toString(StandardCharsets.UTF_8);
        } finally {
            response.release();
        }
    }

    @Test
    void servesIndexWithTypeValidatorsAndPolicy() {
        FullHttpResponse response = get("/");
        assertThat(response.status()).isEqualTo(HttpResponseStatus.OK);
        assertThat(response.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("text/html; charset=utf-8");
        assertThat(response.headers().get(HttpHeaderNames.ETAG)).startsWith("\"");
        assertThat(response.headers().get(HttpHeaderNames.CONTENT_SECURITY_POLICY)).contains("script-src 'self'");
        String etag = response.headers().get(HttpHeaderNames.ETAG);
        assertThat(body(response)).containsIgnoringCase("<!doctype html>");

        FullHttpResponse again = get("/index.html?cache=bust", "If-None-Match", etag);
        assertThat(again.status()).isEqualTo(HttpResponseStatus.NOT_MODIFIED);
        assertThat(body(again)).isEmpty();
    }

    @Test
    void servesTheClientLibraryFromClientJsWithItsModulesAndTypesToAnyOrigin() throws IOException {
        Path sources = Path.of("..", "client-js");
        Map<String, String> types = new HashMap<>(Map.of("/parley.js", "text/javascript; charset=utf-8",
                "/parley.d.ts", "application/typescript; charset=utf-8"));
        // parley.js imports its modules relatively: a page of another origin fetches each of them cross-origin
        try (Stream<Path> modules = Files.list(sources.resolve("parley"))) {
            modules.forEach(module -> types.put("/parley/" + module.getFileName(), "text/javascript; charset=utf-8"));
        }
        assertThat(types).as("the modules").hasSizeGreaterThan(3);
        for (Map.Entry<String, String> file : types.entrySet()) {
            FullHttpResponse response = get(file.getKey(), "Origin", "https://chat.example.com");
            assertThat(response.status()).as(file.getKey()).isEqualTo(HttpResponseStatus.OK);
            assertThat(response.headers().get(HttpHeaderNames.CONTENT_TYPE)).as(file.getKey()).isEqualTo(file.getValue());
            assertThat(response.headers().get(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).isEqualTo("*");
            assertThat(body(response)).as("the one source: client-js" + file.getKey())
                    .isEqualTo(Files.readString(sources.resolve(file.getKey().substring(1))));
        }
    }

    @Test
    void missingAndClimbingPathsAre404() {
        for (String path : List.of("/nope.js", "/../pom.xml", "/%2e%2e/pom.xml", "//etc/passwd", "/a\\b")) {
            FullHttpResponse response = get(path);
            assertThat(response.status()).as(path).isEqualTo(HttpResponseStatus.NOT_FOUND);
            response.release();
        }
    }

    @Test
    void otherMethodsAre405() {
        FullHttpResponse response = request(HttpMethod.DELETE, "/");
        assertThat(response.status()).isEqualTo(HttpResponseStatus.METHOD_NOT_ALLOWED);
        response.release();
    }

    @Test
    void healthzGoesToItsOwnHandler() {
        FullHttpResponse response = get("/healthz");
        assertThat(body(response)).startsWith("{\"status\":\"ok\",\"connections\":3,");
    }
}
