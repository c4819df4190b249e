package dev.parley.server.auth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * An authenticator whose keys can be read again without a restart (on SIGHUP), so that an
 * identity provider's key rotation (a new JWKS document, a new public key) needs no downtime.
 * Sessions keep the grants they have; later tokens are checked with the new keys. A reload that
 * fails (a file half written) keeps the current keys. Thread-safe.
 */
public final class ReloadingAuthenticator implements Authenticator {
    private static final Logger LOG = LoggerFactory.getLogger(ReloadingAuthenticator.class);

    /** Builds an authenticator from the key files as they are now. */
    @FunctionalInterface
    public interface Loader {
        Authenticator load() throws IOException;
    }

    private final Loader loader;
    private volatile Authenticator current;

    /** Loads the keys once; fails as {@link Loader#load()} does. */
    public ReloadingAuthenticator(Loader loader) throws IOException {
        this.loader = loader;
        this.current = loader.load();
    }

    /** Reads the keys again; returns whether the new ones are in use. Blocks on file I/O. */
    public boolean reload() {
        try {
            current = loader.load();
            LOG.info("JWT keys reloaded");
            return true;
        } catch (IOException | IllegalArgumentException e) {
            LOG.error("JWT key reload failed, keeping the current keys: {}", e.toString());
            return false;
        }
    }

    @Override
    public Grant authenticate(String nick, String token) throws AuthException {
        return current.authenticate(nick, token);
    }
}
