package dev.parley.server.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import dev.parley.testing.Jwts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The keys of a JWKS URL, served by a real HTTP server: fetched at start and periodically, again
 * for an unknown key id at most once per interval (the test's clock decides when that is over),
 * never twice at once, and kept when a fetch fails.
 */
class RemoteJwksTest {
    private static final Duration NEVER = Duration.ofHours(1);
    private static final Duration MIN_ON_DEMAND = Duration.ofSeconds(30);
    private static final Duration WITHIN = Duration.ofSeconds(10);
    private static ECKey k1;
    private static ECKey k2;
    private static ECKey k3;

    private final AtomicLong nanos = new AtomicLong();
    private JwksServer jwks;
    private ReloadingAuthenticator auth;

    @BeforeAll
    static void keys() throws Exception {
        k1 = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        k2 = new ECKeyGenerator(Curve.P_256).keyID("k2").generate();
        k3 = new ECKeyGenerator(Curve.P_256).keyID("k3").generate();
    }

    @AfterEach
    void close() {
        if (auth != null) {
            auth.close();
        }
        if (jwks != null) {
            jwks.close();
        }
    }

    private static String token(ECKey key, String nick) throws Exception {
        return Jwts.sign(new ECDSASigner(key), JWSAlgorithm.ES256, key.getKeyID(),
                c -> c.subject(nick).expirationTime(Date.from(Instant.now().plusSeconds(60))));
    }

    /** An authenticator of the server's keys alone, fetched every {@code refreshEvery}; once its first fetch was answered. */
    private ReloadingAuthenticator fetching(Duration refreshEvery) throws Exception {
        auth = new ReloadingAuthenticator(JWKSet::new, null, null,
                new RemoteJwks(jwks.url(), refreshEvery, MIN_ON_DEMAND, nanos::get));
        await().atMost(WITHIN).until(() -> jwks.requests() >= 1);
        return auth;
    }

    /** Waits for what {@code keysFor} asked, as a session does before it checks the token. */
    private Grant authenticate(String nick, String token) throws Exception {
        auth.keysFor(token).get(WITHIN.toSeconds(), TimeUnit.SECONDS);
        return auth.authenticate(nick, token);
    }

    @Test
    void theKeysFetchedAtStartVerifyTokensWithoutAnotherFetch() throws Exception {
        jwks = JwksServer.serving(k1);
        fetching(NEVER);
        await().atMost(WITHIN).until(() -> auth.keysFor(token(k1, "alice")).isDone());
        assertThat(authenticate("alice", token(k1, "alice")).nick()).isEqualTo("alice");
        assertThatThrownBy(() -> authenticate("alice", token(k1, "bob"))).isInstanceOf(AuthException.class);
        assertThat(jwks.requests()).isEqualTo(1);
    }

    @Test
    void anUnknownKeyIdWaitsForAFetchAndThenTheRateLimitAnswersAtOnce() throws Exception {
        jwks = JwksServer.serving(k1);
        fetching(NEVER);
        await().atMost(WITHIN).until(() -> auth.keysFor(token(k1, "alice")).isDone());

        jwks.publish(k1, k2);
        jwks.hold();
        CompletableFuture<Void> rotated = auth.keysFor(token(k2, "bob"));
        assertThat(auth.keysFor(token(k2, "carol"))).as("the fetch under way is joined").isSameAs(rotated);
        await().atMost(WITHIN).until(() -> jwks.requests() == 2);
        assertThat(rotated).as("waits for the answer").isNotDone();
        jwks.release();
        rotated.get(WITHIN.toSeconds(), TimeUnit.SECONDS);
        assertThat(auth.authenticate("bob", token(k2, "bob")).nick()).isEqualTo("bob");

        jwks.publish(k1, k2, k3);
        nanos.addAndGet(MIN_ON_DEMAND.toNanos() - 1);
        assertThat(auth.keysFor(token(k3, "dave"))).as("within the interval: no fetch, no wait").isDone();
        assertThatThrownBy(() -> auth.authenticate("dave", token(k3, "dave"))).isInstanceOf(AuthException.class);
        assertThat(jwks.requests()).isEqualTo(2);

        nanos.incrementAndGet();
        assertThat(authenticate("dave", token(k3, "dave")).nick()).as("the interval is over").isEqualTo("dave");
        assertThat(jwks.requests()).isEqualTo(3);
    }

    @Test
    void aFailedFetchKeepsTheLastKeys() throws Exception {
        jwks = JwksServer.serving(k1);
        fetching(NEVER);
        await().atMost(WITHIN).until(() -> auth.keysFor(token(k1, "alice")).isDone());
        OctetSequenceKey secret = new OctetSequenceKeyGenerator(256).keyID("k2").generate();
        String[][] failures = {{"500", new JWKSet(k2.toPublicJWK()).toString()}, {"200", "<html>not json</html>"},
            {"200", "{\"keys\":[]}"}, {"200", "{\"keys\":" + "[" + secret.toJSONString() + "]}"},
            {"302", new JWKSet(k2.toPublicJWK()).toString()}};
        int requests = 1;
        for (String[] failure : failures) {
            jwks.answer(Integer.parseInt(failure[0]), failure[1]);
            nanos.addAndGet(MIN_ON_DEMAND.toNanos());
            assertThatThrownBy(() -> authenticate("bob", token(k2, "bob"))).as(failure[1]).isInstanceOf(AuthException.class);
            assertThat(jwks.requests()).isEqualTo(++requests);
            assertThat(auth.authenticate("alice", token(k1, "alice")).nick()).as("after " + failure[1]).isEqualTo("alice");
        }
        jwks.close();
        nanos.addAndGet(MIN_ON_DEMAND.toNanos());
        assertThatThrownBy(() -> authenticate("bob", token(k2, "bob"))).isInstanceOf(AuthException.class);
        assertThat(auth.authenticate("alice", token(k1, "alice")).nick()).as("the server gone").isEqualTo("alice");
    }

    @Test
    void theKeysAreFetchedAgainPeriodically() throws Exception {
        jwks = JwksServer.serving(k1);
        fetching(Duration.ofMillis(100));
        jwks.publish(k2);
        await().atMost(WITHIN).untilAsserted(() -> assertThat(auth.authenticate("bob", token(k2, "bob")).nick()).isEqualTo("bob"));
        assertThatThrownBy(() -> auth.authenticate("alice", token(k1, "alice"))).as("k1 withdrawn").isInstanceOf(AuthException.class);
    }

    @Test
    void beforeAnyKeyIsFetchedTokensAreRefusedAndAskForAFetch() throws Exception {
        jwks = JwksServer.serving(k1);
        jwks.answer(503, "down");
        fetching(NEVER);
        // The fetch at start fails, and so does the one the first token asks for; then the rate limit answers.
        await().atMost(WITHIN).until(() -> auth.keysFor(token(k1, "alice")).isDone());
        assertThat(jwks.requests()).isEqualTo(2);
        assertThatThrownBy(() -> auth.authenticate("alice", token(k1, "alice"))).isInstanceOf(AuthException.class)
                .hasMessageContaining("no JWT keys yet");
        jwks.publish(k1);
        nanos.addAndGet(MIN_ON_DEMAND.toNanos());
        assertThat(authenticate("alice", token(k1, "alice")).nick()).isEqualTo("alice");
        assertThat(jwks.requests()).isEqualTo(3);
    }

    @Test
    void keyFilesAndTheUrlAreUsedTogether() throws Exception {
        jwks = JwksServer.serving(k1);
        auth = new ReloadingAuthenticator(() -> JwtAuthenticator.keys(Jwts.SECRET, null, null), null, null,
                new RemoteJwks(jwks.url(), NEVER, MIN_ON_DEMAND, nanos::get));
        assertThat(auth.keysFor(Jwts.hs256("carol", Duration.ofMinutes(1)))).as("a token without kid, a key at hand").isDone();
        assertThat(auth.authenticate("carol", Jwts.hs256("carol", Duration.ofMinutes(1))).nick()).isEqualTo("carol");
        assertThat(authenticate("alice", token(k1, "alice")).nick()).isEqualTo("alice");
    }
}
