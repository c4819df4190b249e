package dev.parley.server.auth;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The server's JWT authenticator: the keys of the key files, which can be read again without a
 * restart (on SIGHUP), and those of an identity provider's JWKS URL ({@link RemoteJwks}), which are
 * fetched again by themselves; so that a key rotation needs no downtime. Sessions keep the grants
 * they have; later tokens are checked with the new keys. A reload that fails (a file half written)
 * keeps the current keys. Thread-safe.
 */
public final class ReloadingAuthenticator implements Authenticator, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReloadingAuthenticator.class);
    private static final CompletableFuture<Void> AT_HAND = CompletableFuture.completedFuture(null);
    /** While there is no key at all: only a JWKS URL is configured, and nothing was fetched yet. */
    private static final Authenticator NO_KEYS = (nick, token) -> {
        throw new AuthException("the server has no JWT keys yet");
    };

    /** Reads the keys of the key files as they are now. */
    @FunctionalInterface
    public interface KeyFiles {
        JWKSet read() throws IOException;
    }

    /** An authenticator and the keys it was made of: those of the files and the last fetched (null without a URL). */
    private record Keys(JWKSet files, JWKSet fetched, JWKSet all, Authenticator authenticator) {
    }

    private final KeyFiles files;
    private final String issuer;
    private final String audience;
    private final RemoteJwks remote;
    private volatile Keys keys;

    /**
     * Reads the key files once and fails as {@link KeyFiles#read()} does; {@code issuer} and
     * {@code audience} are checked when not null; {@code remote}, the keys of a JWKS URL or null,
     * is closed with this.
     */
    public ReloadingAuthenticator(KeyFiles files, String issuer, String audience, RemoteJwks remote) throws IOException {
        this.files = files;
        this.issuer = issuer;
        this.audience = audience;
        this.remote = remote;
        this.keys = keys(files.read(), fetched());
    }

    private JWKSet fetched() {
        return remote == null ? null : remote.keys();
    }

    private Keys keys(JWKSet fromFiles, JWKSet fetched) {
        List<JWK> all = new ArrayList<>(fromFiles.getKeys());
        if (fetched != null) {
            all.addAll(fetched.getKeys());
        }
        JWKSet set = new JWKSet(all);
        return new Keys(fromFiles, fetched, set, all.isEmpty() ? NO_KEYS : new JwtAuthenticator(set, issuer, audience));
    }

    /** The current keys, made again (under this lock, so that a reload is not lost) when a fetch has brought new ones. */
    private Keys current() {
        Keys current = keys;
        if (current.fetched() == fetched()) {
            return current;
        }
        synchronized (this) {
            JWKSet fetched = fetched();
            if (keys.fetched() != fetched) {
                keys = keys(keys.files(), fetched);
            }
            return keys;
        }
    }

    /** Reads the key files again; returns whether their new keys are in use. Blocks on file I/O. */
    public boolean reload() {
        try {
            JWKSet fromFiles = files.read();
            synchronized (this) {
                keys = keys(fromFiles, fetched());
            }
            LOG.info("JWT keys reloaded");
            return true;
        } catch (IOException | IllegalArgumentException e) {
            LOG.error("JWT key reload failed, keeping the current keys: {}", e.toString());
            return false;
        }
    }

    @Override
    public Grant authenticate(String nick, String token) throws AuthException {
        return current().authenticator().authenticate(nick, token);
    }

    /** At hand unless the token names a key (or, without a key id, any key) that is not, and a JWKS URL may have it. */
    @Override
    public CompletableFuture<Void> keysFor(String token) {
        if (remote == null) {
            return AT_HAND;
        }
        String keyId = keyId(token);
        JWKSet all = current().all();
        boolean known = keyId == null ? !all.getKeys().isEmpty() : all.getKeyByKeyId(keyId) != null;
        return known ? AT_HAND : remote.refreshForUnknownKey();
    }

    /** The token's {@code kid}; null when it has none or is no JWS at all (then it is refused as it is). */
    private static String keyId(String token) {
        if (token == null || token.length() > JwtAuthenticator.MAX_TOKEN_CHARS) {
            return null;
        }
        try {
            return JWSObject.parse(token).getHeader().getKeyID();
        } catch (ParseException notAJws) {
            return null;
        }
    }

    /** Stops fetching the JWKS URL. */
    @Override
    public void close() {
        if (remote != null) {
            remote.close();
        }
    }
}
