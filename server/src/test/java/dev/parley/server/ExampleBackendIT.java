package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.protocol.ParleyJson;
import dev.parley.server.hooks.HookClient;
import dev.parley.server.hooks.HookReply;
import dev.parley.server.hooks.HookSecret;
import dev.parley.testing.TestSocket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.java_websocket.drafts.Draft_6455;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.awaitility.Awaitility.await;

/**
 * The example backend of docs/hooks.md, run with Node.js as the docs say ({@code npm install}, then
 * {@code node server.mjs}) against a real server: it logs people in by cookie through the connect
 * hook, verifies signatures with the Standard Webhooks library, rejects the banned word and logs
 * webhooks. Skipped, saying why, where Node.js or the npm registry cannot be reached.
 */
class ExampleBackendIT {
    private static final Path EXAMPLE = Path.of("..", "docs", "examples", "backend").toAbsolutePath().normalize();
    private static final Path WORK = Path.of("target", "example-backend").toAbsolutePath();
    private static final String SECRET = ConnectHookIT.SECRET;

    private static Process backend;
    private static final List<String> backendOutput = new CopyOnWriteArrayList<>();
    private static String backendUrl;
    private static ParleyServer server;
    /** Why the example could not be installed (no npm, no registry); null once it is. */
    private static String notInstalled;

    @BeforeAll
    static void start() throws IOException, InterruptedException {
        Files.createDirectories(WORK);
        for (String file : List.of("server.mjs", "package.json")) {
            Files.copy(EXAMPLE.resolve(file), WORK.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        notInstalled = run(List.of("npm", "install", "--no-audit", "--no-fund"), Duration.ofMinutes(2));
        if (notInstalled != null) {
            return;
        }
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        ProcessBuilder node = new ProcessBuilder("node", "server.mjs").directory(WORK.toFile()).redirectErrorStream(true);
        node.environment().put("PORT", Integer.toString(port));
        node.environment().put("PARLEY_HOOK_SECRET", SECRET);
        backend = node.start();
        CompletableFuture<Void> listening = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(backend.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    backendOutput.add(line);
                    if (line.startsWith("listening on")) {
                        listening.complete(null);
                    }
                }
            } catch (IOException ended) {
                // the process is gone
            }
            listening.completeExceptionally(new IllegalStateException("the example backend ended: " + backendOutput));
        }, "example-backend-output");
        reader.setDaemon(true);
        reader.start();
        listening.orTimeout(30, TimeUnit.SECONDS).join();
        backendUrl = "http://127.0.0.1:" + port;
        server = TestServers.start(c -> c.with("--hook-secret", SECRET).with("--connect-hook-url", backendUrl + "/connect")
                .with("--connect-hook-timeout-ms", 3000));
    }

    /** Runs {@code command} in the work folder; null when it succeeded, else why not. */
    private static String run(List<String> command, Duration timeout) throws InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).directory(WORK.toFile()).redirectErrorStream(true)
                    .redirectOutput(WORK.resolve("npm-install.log").toFile()).start();
        } catch (IOException e) {
            return "cannot run " + command.get(0) + ": " + e.getMessage();
        }
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            return "no answer from the npm registry within " + timeout;
        }
        return process.exitValue() == 0 ? null : "npm install failed, see " + WORK.resolve("npm-install.log");
    }

    @BeforeEach
    void installed() {
        assumeTrue(notInstalled == null, () -> "the example backend needs npm and its registry: " + notInstalled);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (backend != null) {
            backend.destroy();
        }
    }

    private static TestSocket withCookie(String cookie) {
        return TestSocket.connect(server.webSocketUri(), new Draft_6455(), Map.of("Cookie", cookie));
    }

    @Test
    void aLoggedInUserIsLetInWithTheirRoomsAndJoinsGeneral() {
        try (TestSocket alice = withCookie("theme=dark; sid=sid-alice")) {
            alice.send("type", "hello", "id", 1, "nick", "alice");
            alice.next("welcome");
            JsonNode general = alice.next("joined");
            assertThat(general.get("room").asText()).isEqualTo("general");
            assertThat(general.has("id")).isFalse();
            alice.request("joined", "type", "join", "id", 2, "room", "team-blue");
            assertThat(alice.request("error", "type", "join", "id", 3, "room", "random").get("code").asText())
                    .isEqualTo("forbidden");
        }
    }

    @Test
    void noCookieOrSomeoneElsesIsRejected() {
        try (TestSocket stranger = TestSocket.connect(server.webSocketUri())) {
            JsonNode error = stranger.request("error", "type", "hello", "id", 1, "nick", "alice");
            assertThat(error.get("code").asText()).isEqualTo("unauthorized");
            assertThat(error.get("message").asText()).isEqualTo("not logged in");
            assertThat(stranger.awaitClose().code()).isEqualTo(1008);
        }
        try (TestSocket bob = withCookie("sid=sid-bob")) {
            JsonNode error = bob.request("error", "type", "hello", "id", 1, "nick", "alice");
            assertThat(error.get("message").asText()).isEqualTo("you are bob");
        }
    }

    @Test
    void theBannedWordIsRejectedAndWebhooksLoggedUnsignedRequestsRefused() throws Exception {
        try (HookClient client = new HookClient(HookSecret.parse(SECRET), 4, 0, Duration.ofSeconds(2), System::currentTimeMillis,
                new SimpleMeterRegistry())) {
            Duration timeout = Duration.ofSeconds(5);
            HookReply banned = client.post(URI.create(backendUrl + "/publish"),
                    "{\"room\":\"general\",\"from\":\"alice\",\"text\":\"Oh DARN it\"}", timeout).join();
            JsonNode rejected = ParleyJson.mapper().readTree(banned.body());
            assertThat(rejected.get("action").asText()).isEqualTo("reject");
            assertThat(rejected.get("reason").asText()).isEqualTo("mind your language");
            HookReply clean = client.post(URI.create(backendUrl + "/publish"),
                    "{\"room\":\"general\",\"from\":\"alice\",\"text\":\"hello\"}", timeout).join();
            assertThat(ParleyJson.mapper().readTree(clean.body()).get("action").asText()).isEqualTo("accept");
            HookReply logged = client.post(URI.create(backendUrl + "/webhook"), "msg_example-1",
                    "{\"id\":\"msg_example-1\",\"type\":\"member.joined\",\"ts\":1,\"data\":{\"room\":\"general\"}}", timeout).join();
            assertThat(logged.succeeded()).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> backendOutput.stream()
                    .anyMatch(line -> line.startsWith("webhook msg_example-1 member.joined")));
        }
        HttpResponse<String> unsigned = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(backendUrl + "/publish"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"hello\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unsigned.statusCode()).isEqualTo(401);
    }
}
