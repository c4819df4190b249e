package dev.parley.server.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.parley.testing.Jwts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Token verification against each kind of configured key, and every way a token can be bad. */
class JwtAuthenticatorTest {
    private static RSAKey rsa;
    private static RSAKey otherRsa;
    private static ECKey ec;

    @TempDir
    Path dir;

    @BeforeAll
    static void keys() throws Exception {
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        otherRsa = new RSAKeyGenerator(2048).keyID("rsa-2").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
    }

    private static UnaryOperator<JWTClaimsSet.Builder> valid(String sub) {
        return c -> c.subject(sub).expirationTime(Date.from(Instant.now().plusSeconds(60)));
    }

    private static JwtAuthenticator hmacOnly() throws Exception {
        return new JwtAuthenticator(JwtAuthenticator.keys(Jwts.SECRET, null, null), null, null);
    }

    private Path pem(String type, byte[] der) throws Exception {
        Path file = Files.createTempFile(dir, "key", ".pem");
        Files.writeString(file, "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder().encodeToString(der)
                + "\n-----END " + type + "-----\n");
        return file;
    }

    @Test
    void hs256TokenGrantsItsNickRoomsAndExpiry() throws Exception {
        String token = Jwts.hs256("alice", Duration.ofMinutes(5), List.of("team-*", "lobby"));
        Grant grant = hmacOnly().authenticate("alice", token);
        assertThat(grant.nick()).isEqualTo("alice");
        assertThat(grant.expiresAtMs()).isBetween(System.currentTimeMillis() + 290_000, System.currentTimeMillis() + 301_000);
        assertThat(grant.mayJoin("team-red")).isTrue();
        assertThat(grant.mayJoin("lobby")).isTrue();
        assertThat(grant.mayJoin("lobby2")).isFalse();
        assertThat(grant.mayJoin("general")).isFalse();
    }

    @Test
    void rs256AndEs256FromPemPublicKeys() throws Exception {
        JwtAuthenticator rsaAuth = new JwtAuthenticator(JwtAuthenticator.keys(null,
                pem("PUBLIC KEY", rsa.toPublicKey().getEncoded()), null), null, null);
        assertThat(rsaAuth.authenticate("bob", Jwts.sign(new RSASSASigner(rsa), JWSAlgorithm.RS256, null, valid("bob")))
                .nick()).isEqualTo("bob");
        JwtAuthenticator ecAuth = new JwtAuthenticator(JwtAuthenticator.keys(null,
                pem("PUBLIC KEY", ec.toPublicKey().getEncoded()), null), null, null);
        assertThat(ecAuth.authenticate("bob", Jwts.sign(new ECDSASigner(ec), JWSAlgorithm.ES256, null, valid("bob")))
                .nick()).isEqualTo("bob");
        assertThatThrownBy(() -> ecAuth.authenticate("bob",
                Jwts.sign(new RSASSASigner(rsa), JWSAlgorithm.RS256, null, valid("bob")))).isInstanceOf(AuthException.class);
    }

    @Test
    void jwksKeyIsChosenByKid() throws Exception {
        Path jwks = dir.resolve("jwks.json");
        Files.writeString(jwks, new JWKSet(List.of(rsa.toPublicJWK(), otherRsa.toPublicJWK(), ec.toPublicJWK()))
                .toString(true));
        JwtAuthenticator auth = new JwtAuthenticator(JwtAuthenticator.keys(null, null, jwks), null, null);
        assertThat(auth.authenticate("c", Jwts.sign(new RSASSASigner(otherRsa), JWSAlgorithm.RS256, "rsa-2", valid("c"))).nick())
                .isEqualTo("c");
        assertThat(auth.authenticate("c", Jwts.sign(new ECDSASigner(ec), JWSAlgorithm.ES256, "ec-1", valid("c"))).nick())
                .isEqualTo("c");
        assertThatThrownBy(() -> auth.authenticate("c",
                Jwts.sign(new RSASSASigner(otherRsa), JWSAlgorithm.RS256, "rsa-1", valid("c"))))
                .isInstanceOf(AuthException.class);
    }

    @Test
    void hmacTokenKeyedWithTheRsaPublicKeyIsRefused() throws Exception {
        JwtAuthenticator auth = new JwtAuthenticator(JwtAuthenticator.keys(null,
                pem("PUBLIC KEY", rsa.toPublicKey().getEncoded()), null), null, null);
        String confused = Jwts.sign(new MACSigner(
                        pemText(rsa.toPublicKey().getEncoded()).getBytes(StandardCharsets.UTF_8)),
                JWSAlgorithm.HS256, null, valid("eve"));
        assertThatThrownBy(() -> auth.authenticate("eve", confused)).isInstanceOf(AuthException.class);
    }

    private static String pemText(byte[] der) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(der) + "\n-----END PUBLIC KEY-----\n";
    }

    @Test
    void issuerAndAudienceAreCheckedWhenConfigured() throws Exception {
        JwtAuthenticator auth = new JwtAuthenticator(JwtAuthenticator.keys(Jwts.SECRET, null, null), "https://id.example", "parley");
        String good = Jwts.sign(Jwts.hmac(Jwts.SECRET), JWSAlgorithm.HS256, null,
                c -> valid("d").apply(c).issuer("https://id.example").audience("parley"));
        assertThat(auth.authenticate("d", good).nick()).isEqualTo("d");
        for (UnaryOperator<JWTClaimsSet.Builder> bad : List.<UnaryOperator<JWTClaimsSet.Builder>>of(
                c -> valid("d").apply(c).audience("parley"),
                c -> valid("d").apply(c).issuer("https://evil.example").audience("parley"),
                c -> valid("d").apply(c).issuer("https://id.example").audience("other"))) {
            String token = Jwts.sign(Jwts.hmac(Jwts.SECRET), JWSAlgorithm.HS256, null, bad);
            assertThatThrownBy(() -> auth.authenticate("d", token)).isInstanceOf(AuthException.class);
        }
    }

    @Test
    void badTokensAreRefusedWithAReason() throws Exception {
        JwtAuthenticator auth = hmacOnly();
        String good = Jwts.hs256("alice", Duration.ofMinutes(1));
        String[] parts = good.split("\\.");
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"sub\":\"alice\",\"exp\":9999999999}".getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        String none = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8))
                + "." + parts[1] + ".";
        List<String> bad = List.of(
                Jwts.hs256("alice", Duration.ofSeconds(-30)),
                Jwts.sign(Jwts.hmac(Jwts.SECRET), JWSAlgorithm.HS256, null,
                        c -> valid("alice").apply(c).notBeforeTime(Date.from(Instant.now().plusSeconds(60)))),
                Jwts.sign(Jwts.hmac("another-secret-of-at-least-32-bytes!!"), JWSAlgorithm.HS256, null, valid("alice")),
                Jwts.sign(Jwts.hmac(Jwts.SECRET + Jwts.SECRET), JWSAlgorithm.HS512, null, valid("alice")),
                Jwts.sign(Jwts.hmac(Jwts.SECRET), JWSAlgorithm.HS256, null, c -> c.subject("alice")
                        .expirationTime(Date.from(Instant.now().plusSeconds(60))).claim("rooms", "general")),
                Jwts.sign(Jwts.hmac(Jwts.SECRET), JWSAlgorithm.HS256, null, c -> c
                        .expirationTime(Date.from(Instant.now().plusSeconds(60)))),
                Jwts.hs256("mallory", Duration.ofMinutes(1)),
                tampered, none, "", "not.a.jwt", "x".repeat(JwtAuthenticator.MAX_TOKEN_CHARS + 1));
        for (String token : bad) {
            assertThatThrownBy(() -> auth.authenticate("alice", token)).as(token).isInstanceOf(AuthException.class)
                    .hasMessageNotContaining("null");
        }
        assertThatThrownBy(() -> auth.authenticate("alice", null)).hasMessage("a token is required");
        assertThat(auth.authenticate("alice", Jwts.hs256("alice", Duration.ofSeconds(-2))).nick())
                .as("within the clock-skew leeway").isEqualTo("alice");
    }

    @Test
    void shortSecretsAndEmptyKeySetsAreRefusedAtStart() {
        assertThatThrownBy(() -> JwtAuthenticator.keys("short", null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new JwtAuthenticator(new JWKSet(), null, null)).isInstanceOf(IllegalArgumentException.class);
    }
}
