package dev.parley.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.X509CertUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.ConfigurableJWTProcessor;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Verifies JWTs with Nimbus JOSE+JWT against the configured keys: an HS256 secret, RS256/ES256
 * public keys from PEM files, and the keys of a JWKS document, chosen by the token's {@code kid}.
 * Each key verifies only its own algorithm, so {@code none} and HS/RS confusion (an HS256 token
 * keyed with an RSA public key) are refused. {@code sub} is required and must be the nick;
 * {@code exp} and {@code nbf} are checked with {@value #CLOCK_SKEW_SECONDS} s of leeway, {@code iss}
 * and {@code aud} when configured; the optional {@code rooms} claim limits joins, and the optional
 * {@code mod} claim lists the rooms where the user may delete anyone's messages.
 */
public final class JwtAuthenticator implements Authenticator {
    /** Longer tokens are refused before parsing; real ones are well under a kilobyte. */
    public static final int MAX_TOKEN_CHARS = 8192;
    public static final int CLOCK_SKEW_SECONDS = 5;
    /** HS256 keys shorter than the hash are refused (RFC 7518, 3.2). */
    public static final int MIN_HMAC_SECRET_BYTES = 32;

    private final ConfigurableJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    /** Verifies with {@code keys}; {@code issuer} and {@code audience} are checked when not null. */
    public JwtAuthenticator(JWKSet keys, String issuer, String audience) {
        if (keys.getKeys().isEmpty()) {
            throw new IllegalArgumentException("no JWT verification key");
        }
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms(keys), new ImmutableJWKSet<>(keys)));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                audience == null ? null : Set.of(audience),
                issuer == null ? null : new JWTClaimsSet.Builder().issuer(issuer).build(),
                Set.of("sub"), null);
        claims.setMaxClockSkew(CLOCK_SKEW_SECONDS);
        processor.setJWTClaimsSetVerifier(claims);
    }

    /**
     * Builds the key set from the configured sources, any of which may be null.
     *
     * @throws IOException              when a file cannot be read
     * @throws IllegalArgumentException when a file holds no usable key, or the secret is too short
     */
    public static JWKSet keys(String hmacSecret, Path publicKeyPem, Path jwks) throws IOException {
        List<JWK> keys = new ArrayList<>();
        if (hmacSecret != null) {
            byte[] secret = hmacSecret.getBytes(StandardCharsets.UTF_8);
            if (secret.length < MIN_HMAC_SECRET_BYTES) {
                throw new IllegalArgumentException("the JWT HMAC secret must be at least " + MIN_HMAC_SECRET_BYTES + " bytes");
            }
            keys.add(new OctetSequenceKey.Builder(secret).algorithm(JWSAlgorithm.HS256).keyUse(KeyUse.SIGNATURE).build());
        }
        if (publicKeyPem != null) {
            keys.add(publicKey(publicKeyPem));
        }
        if (jwks != null) {
            try {
                keys.addAll(JWKSet.parse(Files.readString(jwks)).getKeys());
            } catch (ParseException e) {
                throw new IllegalArgumentException(jwks + " is not a JWKS document: " + e.getMessage());
            }
        }
        return new JWKSet(keys);
    }

    /** An RSA or EC public key from a PEM file holding a {@code PUBLIC KEY} or a {@code CERTIFICATE}. */
    private static JWK publicKey(Path file) throws IOException {
        String pem = Files.readString(file);
        PublicKey key;
        if (pem.contains("-----BEGIN CERTIFICATE-----")) {
            X509Certificate certificate = X509CertUtils.parse(pem);
            if (certificate == null) {
                throw new IllegalArgumentException(file + " holds no readable certificate");
            }
            key = certificate.getPublicKey();
        } else {
            key = spkiPublicKey(file, pem);
        }
        if (key instanceof RSAPublicKey rsa) {
            return new RSAKey.Builder(rsa).keyUse(KeyUse.SIGNATURE).build();
        }
        if (key instanceof ECPublicKey ec) {
            return new ECKey.Builder(Curve.forECParameterSpec(ec.getParams()), ec).keyUse(KeyUse.SIGNATURE).build();
        }
        throw new IllegalArgumentException(file + " holds neither an RSA nor an EC public key");
    }

    private static PublicKey spkiPublicKey(Path file, String pem) {
        int begin = pem.indexOf("-----BEGIN PUBLIC KEY-----");
        int end = pem.indexOf("-----END PUBLIC KEY-----");
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException(file + " holds no PEM 'PUBLIC KEY' or 'CERTIFICATE'");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + "-----BEGIN PUBLIC KEY-----".length(), end));
        for (String algorithm : List.of("RSA", "EC")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException notThisKind) {
                // try the next kind
            }
        }
        throw new IllegalArgumentException(file + " holds neither an RSA nor an EC public key");
    }

    /** The algorithm each key verifies: the one it declares, else HS256, RS256 or ES256 (by curve) by its type. */
    private static Set<JWSAlgorithm> algorithms(JWKSet keys) {
        Set<JWSAlgorithm> algorithms = new HashSet<>();
        for (JWK key : keys.getKeys()) {
            if (key.getAlgorithm() != null) {
                algorithms.add(JWSAlgorithm.parse(key.getAlgorithm().getName()));
            } else if (KeyType.OCT.equals(key.getKeyType())) {
                algorithms.add(JWSAlgorithm.HS256);
            } else if (KeyType.RSA.equals(key.getKeyType())) {
                algorithms.add(JWSAlgorithm.RS256);
            } else if (key instanceof ECKey ec) {
                algorithms.add(Curve.P_384.equals(ec.getCurve()) ? JWSAlgorithm.ES384
                        : Curve.P_521.equals(ec.getCurve()) ? JWSAlgorithm.ES512 : JWSAlgorithm.ES256);
            }
        }
        algorithms.remove(new JWSAlgorithm("none"));
        return algorithms;
    }

    @Override
    public Grant authenticate(String nick, String token) throws AuthException {
        if (token == null || token.isEmpty()) {
            throw new AuthException("a token is required");
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            throw new AuthException("the token is longer than " + MAX_TOKEN_CHARS + " characters");
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException | BadJOSEException | JOSEException e) {
            throw new AuthException("invalid token: " + e.getMessage());
        }
        if (!nick.equals(claims.getSubject())) {
            throw new AuthException("the token is for another nick");
        }
        List<String> rooms = roomsClaim(claims, "rooms");
        Date exp = claims.getExpirationTime();
        return new Grant(nick, exp == null ? null : exp.getTime(), rooms, roomsClaim(claims, "mod"));
    }

    /** An optional claim that lists room names and patterns ({@code rooms}, {@code mod}). */
    private static List<String> roomsClaim(JWTClaimsSet claims, String name) throws AuthException {
        try {
            List<String> rooms = claims.getStringListClaim(name);
            if (rooms == null || !rooms.contains(null)) {
                return rooms;
            }
        } catch (ParseException notAList) {
            // reported below, like a list with a null in it
        }
        throw new AuthException("invalid token: claim '" + name + "' must be a list of strings");
    }
}
