package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.Jwts;
import dev.parley.testing.TestSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The packaged server as a user runs it: environment fallbacks, the start-up line, the signals. */
class ServerProcessIT {

    @Test
    void readsItsSettingsFromTheEnvironmentAndStopsGracefullyOnSigterm() throws Exception {
        try (ServerProcess server = ServerProcess.start(ServerProcess.javaJar(),
                Map.of("PARLEY_HOST", "127.0.0.1", "PARLEY_PORT", "0", "PARLEY_HEARTBEAT_MS", "1234",
                        "PARLEY_MAX_ROOMS", "7"))) {
            URI ws = server.awaitListening();
            try (TestSocket client = TestSocket.connect(ws)) {
                JsonNode welcome = client.request("welcome", "type", "hello", "nick", "from-env");
                assertThat(welcome.get("heartbeatMs").asLong()).isEqualTo(1234);
                assertThat(welcome.get("limits").get("maxRooms").asInt()).isEqualTo(7);
                assertThat(server.terminate()).isZero();
                assertThat(client.awaitClose().code()).isEqualTo(1001);
            }
        }
    }

    @Test
    void optionsWinOverTheEnvironmentAndSigintStopsToo() throws Exception {
        try (ServerProcess server = ServerProcess.start(
                ServerProcess.javaJar("--host", "127.0.0.1", "--port", "0", "--max-rooms", "3"),
                Map.of("PARLEY_MAX_ROOMS", "9"))) {
            URI ws = server.awaitListening();
            try (TestSocket client = TestSocket.connect(ws)) {
                assertThat(client.request("welcome", "type", "hello", "nick", "cli").get("limits").get("maxRooms").asInt())
                        .isEqualTo(3);
            }
            server.signal("INT");
            assertThat(server.awaitExit()).isZero();
        }
    }

    @Test
    void aBusyPortIsAClearErrorAndExitCode1() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             ServerProcess server = ServerProcess.start(
                     ServerProcess.javaJar("--host", "127.0.0.1", "--port", Integer.toString(taken.getLocalPort())), Map.of())) {
            server.awaitLine(Pattern.compile("ERROR .*cannot listen on 127\\.0\\.0\\.1:" + taken.getLocalPort()));
            assertThat(server.awaitExit()).isEqualTo(1);
        }
    }

    @Test
    void securityOptionsComeFromTheEnvironmentAndSighupReloadsCertificateAndKeys(@TempDir Path dir) throws Exception {
        TestCertificates.assumeOpenssl();
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        TestCertificates.make("process", cert, key);
        try (ServerProcess server = ServerProcess.start(ServerProcess.javaJar("--host", "127.0.0.1", "--port", "0"),
                Map.of("PARLEY_TLS_CERT", cert.toString(), "PARLEY_TLS_KEY", key.toString(),
                        "PARLEY_JWT_HMAC_SECRET", Jwts.SECRET, "PARLEY_API_KEY", "process-api-key-0123",
                        "PARLEY_TRUST_PROXY", "10.0.0.0/8", "PARLEY_MAX_CONNECTIONS_PER_ADDRESS", "100"))) {
            server.awaitLine(Pattern.compile("auth JWT, TLS (OpenSSL|JDK), per address 100 open any/s, "
                    + "trusted proxies \\[10\\.0\\.0\\.0/8\\], server API on"));
            server.signal("HUP");
            server.awaitLine(Pattern.compile("TLS certificate reloaded"));
            server.awaitLine(Pattern.compile("JWT keys reloaded"));
            assertThat(server.terminate()).isZero();
        }
    }

    @Test
    void aTooShortJwtSecretIsABadValue() throws Exception {
        try (ServerProcess server = ServerProcess.start(ServerProcess.javaJar("--jwt-hmac-secret", "short"), Map.of())) {
            server.awaitLine(Pattern.compile("jwtHmacSecret must be at least 32 bytes"));
            assertThat(server.awaitExit()).isEqualTo(2);
        }
    }
}
