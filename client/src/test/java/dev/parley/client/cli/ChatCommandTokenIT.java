package dev.parley.client.cli;

import dev.parley.server.ParleyServer;
import dev.parley.server.config.ServerConfig;
import dev.parley.testing.Jwts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The terminal client on a server with auth: {@code --token} and {@code --token-file}. */
class ChatCommandTokenIT {
    private ParleyServer server;

    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        server = ParleyServer.start(ServerConfig.builder().with("--host", "127.0.0.1").with("--port", 0).with("--warm-up-messages", 0)
                .with("--jwt-hmac-secret", Jwts.SECRET).build());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private int send(ByteArrayOutputStream err, String... tokenArgs) {
        String[] args = new String[6 + tokenArgs.length];
        String[] base = {"--url", server.webSocketUri().toString(), "--nick", "scripter", "--send", "hi"};
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(tokenArgs, 0, args, base.length, tokenArgs.length);
        return ChatCommand.execute(args, new ByteArrayInputStream(new byte[0]),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), () -> null);
    }

    @Test
    void sendsWithATokenFromTheCommandLine() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(send(err, "--token", Jwts.hs256("scripter", Duration.ofMinutes(1)))).as(err.toString()).isZero();
    }

    @Test
    void sendsWithATokenFromAFile() throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, Jwts.hs256("scripter", Duration.ofMinutes(1)) + "\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(send(err, "--token-file", file.toString())).as(err.toString()).isZero();
    }

    @Test
    void withoutATokenTheSendIsRefusedAsUnauthorized() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(send(err)).isNotZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unauthorized");
    }
}
