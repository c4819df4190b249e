package dev.parley.server.config;

import dev.parley.server.auth.JwtAuthenticator;
import dev.parley.server.limits.Cidr;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The security settings of a server, a part of {@link ServerConfig}: JWT keys and claims, TLS
 * certificate and key, per-address connection limits, trusted proxies and the server API's key.
 * Immutable; everything is off by default. Each setting is declared once, as in ServerConfig.
 */
public record SecurityConfig(
        @Setting(label = "SECRET", help = "HS256 secret (at least 32 bytes); turns auth on")
        String jwtHmacSecret,
        @Setting(help = "PEM file with an RS256 or ES256 public key or certificate; turns auth on")
        Path jwtPublicKey,
        @Setting(help = "JWKS file; the token's kid picks the key; turns auth on; JWT key files are read "
                + "again on SIGHUP")
        Path jwtJwks,
        @Setting(label = "URL", help = "URL of a JWKS document (an identity provider's, such as Keycloak's, Auth0's or "
                + "Okta's); fetched at start, every 5 minutes and on a token's unknown kid (at most once in 30 s); a failed "
                + "fetch keeps the last keys; turns auth on")
        String jwtJwksUrl,
        @Setting(label = "ISS", whenUnset = "any", help = "Required iss claim")
        String jwtIssuer,
        @Setting(label = "AUD", whenUnset = "any", help = "Required aud claim")
        String jwtAudience,
        @Setting(help = "PEM certificate chain; with --tls-key the port serves https and wss only; "
                + "reloaded on SIGHUP or when the file changes")
        Path tlsCert,
        @Setting(help = "PEM PKCS#8 private key of --tls-cert")
        Path tlsKey,
        @Setting(value = "0", min = 0, help = "Open connections one client address may hold, more get 429; 0: no limit")
        int maxConnectionsPerAddress,
        @Setting(value = "0", min = 0,
                help = "New connections one client address may open a second, more get 429; 0: no limit")
        int connectionsPerSecPerAddress,
        @Setting(label = "CIDR", whenUnset = "none", name = "trust-proxy",
                help = "Comma-separated proxies (CIDR blocks) whose X-Forwarded-For and PROXY protocol headers give "
                        + "the client address")
        List<String> trustedProxies,
        @Setting(label = "KEY",
                help = "Bearer key of the server API under /api/ (at least 16 characters); without it the API is off")
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
        if (jwtJwksUrl != null && !jwtJwksUrl.matches("https?://.+")) {
            throw new IllegalArgumentException("jwtJwksUrl must be http:// or https://, not " + jwtJwksUrl);
        }
        if (apiKey != null && apiKey.length() < MIN_API_KEY_CHARS) {
            throw new IllegalArgumentException("apiKey must be at least " + MIN_API_KEY_CHARS + " characters");
        }
    }

    /** Whether a JWT key is configured, which turns auth on. */
    public boolean authEnabled() {
        return jwtHmacSecret != null || jwtPublicKey != null || jwtJwks != null || jwtJwksUrl != null;
    }

    /** Whether the port speaks TLS. */
    public boolean tlsEnabled() {
        return tlsCert != null;
    }
}
