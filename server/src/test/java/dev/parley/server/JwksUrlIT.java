package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.parley.server.auth.JwksServer;
import dev.parley.testing.Jwts;
import dev.parley.testing.TestSocket;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code --jwt-jwks-url} over WebSocket, the identity provider a real HTTP server: logins with its
 * keys, a rotation that a {@code hello} and a {@code refresh} wait for, the rate limit of fetches for
 * unknown keys, and the keys kept once the provider is gone.
 */
class JwksUrlIT {

    private static String token(ECKey key, String nick) throws Exception {
        return Jwts.sign(new ECDSASigner(key), JWSAlgorithm.ES256, key.getKeyID(),
                c -> c.subject(nick).expirationTime(Date.from(Instant.now().plusSeconds(300))));
    }

    private static JsonNode hello(ParleyServer server, String nick, String token) {
        try (TestSocket socket = TestSocket.connect(server.webSocketUri())) {
            socket.send("type", "hello", "nick", nick, "token", token);
            return socket.take(e -> e.path("type").asText().matches("welcome|error"), "welcome or error");
        }
    }

    @Test
    void loginsFollowTheProvidersKeysThroughARotationAndItsOutage() throws Exception {
        ECKey k1 = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        ECKey k2 = new ECKeyGenerator(Curve.P_256).keyID("k2").generate();
        ECKey k3 = new ECKeyGenerator(Curve.P_256).keyID("k3").generate();
        try (JwksServer jwks = JwksServer.serving(k1);
             ParleyServer server = TestServers.start(c -> c.with("--jwt-jwks-url", jwks.url().toString()));
             TestSocket early = TestSocket.connect(server.webSocketUri());
             TestSocket late = TestSocket.connect(server.webSocketUri())) {
            await().atMost(Duration.ofSeconds(10)).until(() -> jwks.requests() >= 1);
            early.request("welcome", "type", "hello", "nick", "early", "token", token(k1, "early"));
            int fetched = jwks.requests();

            jwks.publish(k1, k2);
            jwks.hold();
            late.send("type", "hello", "id", "h1", "nick", "late", "token", token(k2, "late"));
            await().atMost(Duration.ofSeconds(10)).until(() -> jwks.requests() == fetched + 1);
            JsonNode twice = late.request("error", "type", "hello", "id", "h2", "nick", "late", "token", token(k2, "late"));
            assertThat(twice.get("id").asText()).as("one hello at a time, also while its key is fetched").isEqualTo("h2");
            assertThat(late.queued()).as("the hello waits for the new key").isEmpty();
            jwks.release();
            assertThat(late.next("welcome").get("id").asText()).isEqualTo("h1");

            JsonNode refreshed = early.request("refreshed", "type", "refresh", "id", "r1", "token", token(k2, "early"));
            assertThat(refreshed.get("id").asText()).isEqualTo("r1");
            assertThat(jwks.requests()).as("the new key was kept").isEqualTo(fetched + 1);

            jwks.publish(k2, k3);
            JsonNode limited = hello(server, "third", token(k3, "third"));
            assertThat(limited.get("code").asText()).as("within 30 s of the last fetch for an unknown key").isEqualTo("unauthorized");
            assertThat(jwks.requests()).isEqualTo(fetched + 1);

            jwks.close();
            assertThat(hello(server, "fourth", token(k1, "fourth")).get("type").asText()).isEqualTo("welcome");
            assertThat(hello(server, "fifth", token(k2, "fifth")).get("type").asText()).isEqualTo("welcome");
            assertThat(early.request("pong", "type", "ping", "id", 1).get("id").asInt()).isEqualTo(1);
        }
    }
}
