package dev.parley.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;

/** Signed JWTs for tests, made with the same library the server verifies them with. */
public final class Jwts {
    /** The HS256 secret test servers are configured with. */
    public static final String SECRET = "a-test-secret-of-at-least-32-bytes!!";

    private Jwts() {
    }

    /** An HS256 token for {@code nick}, valid for {@code lifetime} from now. */
    public static String hs256(String nick, Duration lifetime) {
        return hs256(nick, lifetime, null);
    }

    /** As {@link #hs256(String, Duration)}, allowing only {@code rooms} when not null. */
    public static String hs256(String nick, Duration lifetime, List<String> rooms) {
        return sign(hmac(SECRET), JWSAlgorithm.HS256, null, claims -> {
            claims.subject(nick).expirationTime(Date.from(Instant.now().plus(lifetime)));
            if (rooms != null) {
                claims.claim("rooms", rooms);
            }
            return claims;
        });
    }

    /** A token signed by {@code signer} with {@code algorithm} and key id {@code kid} (may be null). */
    public static String sign(JWSSigner signer, JWSAlgorithm algorithm, String kid,
                              UnaryOperator<JWTClaimsSet.Builder> claims) {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(kid).build(),
                claims.apply(new JWTClaimsSet.Builder()).build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    /** An HMAC signer with {@code secret}. */
    public static JWSSigner hmac(String secret) {
        try {
            return new MACSigner(secret.getBytes(StandardCharsets.UTF_8));
        } catch (JOSEException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
