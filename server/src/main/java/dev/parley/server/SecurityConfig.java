package dev.parley.server;

import dev.parley.server.auth.JwtAuthenticator;
import dev.parley.server.limits.Cidr;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The security options of a server: JWT keys and claims, TLS certificate and key, per-address
 * connection limits, trusted proxies and the server API's key. Immutable; everything is off by
 * default ({@link #builder()}).
 *
 * @param jwtHmacSecret              HS256 secret, or null
 * @param jwtPublicKey               PEM file with an RS256/ES256 public key or certificate, or null
 * @param jwtJwks                    JWKS file, or null
 * @param jwtIssuer                  required {@code iss}, or null for any
 * @param jwtAudience                required {@code aud}, or null for any
 * @param tlsCert                    PEM certificate chain; with {@code tlsKey}, the port speaks TLS only
 * @param tlsKey                     PEM PKCS#8 private key
 * @param maxConnectionsPerAddress   open connections one client address may hold, 0 for no limit
 * @param connectionsPerSecPerAddress new connections per second one client address may open, 0 for no limit
 * @param trustedProxies             CIDRs whose X-Forwarded-For and PROXY protocol headers are believed
 * @param apiKey                     the server API's bearer key, or null: the API is off
 */
public record SecurityConfig(
        String jwtHmacSecret,
        Path jwtPublicKey,
        Path jwtJwks,
        String jwtIssuer,
        String jwtAudience,
        Path tlsCert,
        Path tlsKey,
        int maxConnectionsPerAddress,
        int connectionsPerSecPerAddress,
        List<String> trustedProxies,
        String apiKey) {

    /** Shortest server API key accepted; guessing one must be out of reach. */
    public static final int MIN_API_KEY_CHARS = 16;

    public SecurityConfig {
        trustedProxies = List.copyOf(trustedProxies);
        trustedProxies.forEach(Cidr::parse);
        if (jwtHmacSecret != null
                && jwtHmacSecret.getBytes(StandardCharsets.UTF_8).length < JwtAuthenticator.MIN_HMAC_SECRET_BYTES) {
            throw new IllegalArgumentException("jwtHmacSecret must be at least " + JwtAuthenticator.MIN_HMAC_SECRET_BYTES
                    + " bytes");
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("tlsCert and tlsKey go together");
        }
        if (maxConnectionsPerAddress < 0 || connectionsPerSecPerAddress < 0) {
            throw new IllegalArgumentException("per-address limits must be at least 0");
        }
        if (apiKey != null && apiKey.length() < MIN_API_KEY_CHARS) {
            throw new IllegalArgumentException("apiKey must be at least " + MIN_API_KEY_CHARS + " characters");
        }
    }

    /** Whether a JWT key is configured, which turns auth on. */
    public boolean authEnabled() {
        return jwtHmacSecret != null || jwtPublicKey != null || jwtJwks != null;
    }

    /** Whether the port speaks TLS. */
    public boolean tlsEnabled() {
        return tlsCert != null;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds a {@link SecurityConfig}; everything starts off. */
    public static final class Builder {
        private String jwtHmacSecret;
        private Path jwtPublicKey;
        private Path jwtJwks;
        private String jwtIssuer;
        private String jwtAudience;
        private Path tlsCert;
        private Path tlsKey;
        private int maxConnectionsPerAddress;
        private int connectionsPerSecPerAddress;
        private List<String> trustedProxies = List.of();
        private String apiKey;

        private Builder() {
        }

        private Builder(SecurityConfig c) {
            jwtHmacSecret = c.jwtHmacSecret;
            jwtPublicKey = c.jwtPublicKey;
            jwtJwks = c.jwtJwks;
            jwtIssuer = c.jwtIssuer;
            jwtAudience = c.jwtAudience;
            tlsCert = c.tlsCert;
            tlsKey = c.tlsKey;
            maxConnectionsPerAddress = c.maxConnectionsPerAddress;
            connectionsPerSecPerAddress = c.connectionsPerSecPerAddress;
            trustedProxies = c.trustedProxies;
            apiKey = c.apiKey;
        }

        public Builder jwtHmacSecret(String secret) {
            this.jwtHmacSecret = secret;
            return this;
        }

        public Builder jwtPublicKey(Path pem) {
            this.jwtPublicKey = pem;
            return this;
        }

        public Builder jwtJwks(Path jwks) {
            this.jwtJwks = jwks;
            return this;
        }

        public Builder jwtIssuer(String issuer) {
            this.jwtIssuer = issuer;
            return this;
        }

        public Builder jwtAudience(String audience) {
            this.jwtAudience = audience;
            return this;
        }

        /** PEM certificate chain and PKCS#8 private key; the port then speaks TLS only. */
        public Builder tls(Path cert, Path key) {
            this.tlsCert = cert;
            this.tlsKey = key;
            return this;
        }

        public Builder maxConnectionsPerAddress(int max) {
            this.maxConnectionsPerAddress = max;
            return this;
        }

        public Builder connectionsPerSecPerAddress(int perSec) {
            this.connectionsPerSecPerAddress = perSec;
            return this;
        }

        public Builder trustedProxies(List<String> cidrs) {
            this.trustedProxies = cidrs;
            return this;
        }

        public Builder apiKey(String apiKey) {
            this.apiKey = apiKey;
            return this;
        }

        public SecurityConfig build() {
            return new SecurityConfig(jwtHmacSecret, jwtPublicKey, jwtJwks, jwtIssuer, jwtAudience, tlsCert, tlsKey,
                    maxConnectionsPerAddress, connectionsPerSecPerAddress, trustedProxies, apiKey);
        }
    }
}
