package dev.parley.client;

import java.security.SecureRandom;
import java.util.Base64;

/** The nonces of sends: random, so that no two of a user's sends in a room share one, whichever client or process made them. */
final class Nonces {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private Nonces() {
    }

    /** 128 random bits in 22 URL-safe characters. */
    static String next() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return ENCODER.encodeToString(bytes);
    }
}
