package dev.parley.server.hooks;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

/**
 * The secret every hook request is signed with, in the Standard Webhooks form
 * {@code whsec_<base64>}: {@link #sign} gives the {@code webhook-signature} header of a request,
 * {@code v1,<base64 HMAC-SHA256 of "id.timestamp.body">}, which any Standard Webhooks library
 * verifies.
 */
public final class HookSecret {
    private static final String PREFIX = "whsec_";
    /** Shortest key accepted; the libraries make 24 to 64 random bytes. */
    public static final int MIN_KEY_BYTES = 16;

    private final SecretKeySpec key;
    /** A Mac per thread, keyed once: looking one up and keying it for every request cost more than the hash. */
    private final ThreadLocal<Mac> macs;

    private HookSecret(byte[] key) {
        this.key = new SecretKeySpec(key, "HmacSHA256");
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    /** Parses {@code whsec_<base64>}; throws IllegalArgumentException (without the secret) when it is not one. */
    public static HookSecret parse(String secret) {
        if (secret == null || !secret.startsWith(PREFIX)) {
            throw new IllegalArgumentException("a hook secret has the form whsec_<base64>");
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(secret.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a hook secret's part after whsec_ must be base64");
        }
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("a hook secret must hold at least " + MIN_KEY_BYTES + " bytes");
        }
        return new HookSecret(key);
    }

    /** The {@code webhook-signature} of a request with this id, timestamp (seconds) and body. */
    public String sign(String id, long timestampSeconds, String body) {
        byte[] signature = macs.get().doFinal((id + "." + timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
        return "v1," + Base64.getEncoder().encodeToString(signature);
    }

    @Override
    public String toString() {
        return "HookSecret[redacted]";
    }
}
