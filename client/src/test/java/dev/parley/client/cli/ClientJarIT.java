package dev.parley.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.ParleyServer;
import dev.parley.server.config.ServerConfig;
import dev.parley.testing.TestSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The runnable {@code target/parley-client.jar}, as a separate process: what a person or a script runs. */
class ClientJarIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Path JAR = Path.of("target", "parley-client.jar");

    private ParleyServer server;
    private final List<Process> processes = new ArrayList<>();
    private final List<TestSocket> sockets = new ArrayList<>();

    @BeforeEach
    void startServer() {
        assertThat(JAR).as("built by the package phase").exists();
        server = ParleyServer.start(ServerConfig.builder().with("--host", "127.0.0.1").with("--port", 0).with("--warm-up-messages", 0).build());
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (Process process : processes) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        sockets.forEach(TestSocket::close);
        server.close();
    }

    private Process start(String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = Stream.concat(Stream.of(java, "-jar", JAR.toString(), "--url", server.webSocketUri().toString()),
                Stream.of(args)).collect(Collectors.toList());
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        processes.add(process);
        return process;
    }

    private TestSocket member(String nick) {
        TestSocket socket = TestSocket.login(server.webSocketUri(), nick);
        sockets.add(socket);
        socket.request("joined", "type", "join", "id", 1, "room", "general");
        return socket;
    }

    private static int exitOf(Process process) throws InterruptedException {
        assertThat(process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("process ended").isTrue();
        return process.exitValue();
    }

    @Test
    void sendsOneMessage() throws Exception {
        TestSocket bob = member("bob");
        Process send = start("--nick", "alice", "--send", "from the jar");
        send.getOutputStream().close();

        assertThat(exitOf(send)).isZero();
        assertThat(bob.next("message").path("text").asText()).isEqualTo("from the jar");
    }

    @Test
    void chatsWithPipedInput() throws Exception {
        member("bob");
        Process chat = start("--nick", "alice");
        try (OutputStream keyboard = chat.getOutputStream()) {
            keyboard.write("hello from a pipe\n/who\n".getBytes(StandardCharsets.UTF_8));
        }

        assertThat(exitOf(chat)).isZero();
        String out = new String(chat.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(out).contains("* joined #general; 2 members: alice, bob", "#general <alice> hello from a pipe",
                "* #general: alice, bob").doesNotContain("\u001b[");
    }

    @Test
    void listensUntilKilled() throws Exception {
        TestSocket bob = member("bob");
        Process listen = start("--nick", "carol", "--listen");
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(listen.getInputStream(), StandardCharsets.UTF_8))) {
                out.lines().forEach(lines::add);
            } catch (IOException e) {
                // the process was killed
            }
        });
        reader.setDaemon(true);
        reader.start();
        await().atMost(TIMEOUT).until(() -> {
            JsonNode members = bob.request("members", "type", "who", "id", "w", "room", "general").path("members");
            return members.toString().contains("\"carol\"");
        });

        bob.send("type", "send", "id", 2, "room", "general", "text", "for the script");

        await().atMost(TIMEOUT).until(() -> lines.stream().anyMatch(l -> l.contains("\"text\":\"for the script\"")));
        assertThat(lines.get(0)).startsWith("{\"type\":\"connected\"");
        assertThat(listen.isAlive()).isTrue();
        listen.destroy();
        assertThat(listen.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    }
}
