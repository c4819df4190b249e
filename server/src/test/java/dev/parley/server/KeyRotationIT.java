package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.parley.testing.Jwts;
import dev.parley.testing.TestSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;

import static org.assertj.core.api.Assertions.assertThat;

/** An identity provider rotates its JWKS: after a reload (SIGHUP) new tokens need the new key; sessions carry on. */
class KeyRotationIT {
    @TempDir
    Path dir;

    private static String token(ECKey key, String nick) throws Exception {
        return Jwts.sign(new ECDSASigner(key), JWSAlgorithm.ES256, key.getKeyID(),
                c -> c.subject(nick).expirationTime(Date.from(Instant.now().plusSeconds(300))));
    }

    private static JsonNode hello(TestSocket socket, String nick, String token) {
        socket.send("type", "hello", "nick", nick, "token", token);
        return socket.next();
    }

    @Test
    void reloadSwapsTheKeysWithoutDroppingSessions() throws Exception {
        ECKey old = new ECKeyGenerator(Curve.P_256).keyID("2025").generate();
        ECKey fresh = new ECKeyGenerator(Curve.P_256).keyID("2026").generate();
        Path jwks = dir.resolve("jwks.json");
        Files.writeString(jwks, new JWKSet(old.toPublicJWK()).toString());
        try (ParleyServer server = TestServers.start(c -> c.with("--jwt-jwks", jwks));
             TestSocket before = TestSocket.connect(server.webSocketUri())) {
            assertThat(hello(before, "early", token(old, "early")).get("type").asText()).isEqualTo("welcome");

            Files.writeString(jwks, new JWKSet(fresh.toPublicJWK()).toString());
            assertThat(server.reload()).isTrue();

            try (TestSocket stale = TestSocket.connect(server.webSocketUri())) {
                assertThat(hello(stale, "late", token(old, "late")).get("code").asText()).isEqualTo("unauthorized");
            }
            try (TestSocket current = TestSocket.connect(server.webSocketUri())) {
                assertThat(hello(current, "late", token(fresh, "late")).get("type").asText()).isEqualTo("welcome");
            }
            Files.writeString(jwks, "{ half written");
            assertThat(server.reload()).as("a broken file keeps the current keys").isFalse();
            try (TestSocket still = TestSocket.connect(server.webSocketUri())) {
                assertThat(hello(still, "later", token(fresh, "later")).get("type").asText()).isEqualTo("welcome");
            }
            assertThat(before.request("pong", "type", "ping", "id", 1).get("id").asInt()).isEqualTo(1);
        }
    }
}
