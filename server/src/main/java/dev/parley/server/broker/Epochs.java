package dev.parley.server.broker;

import java.security.SecureRandom;

/** Names of room histories: random, so that a history that replaces a lost one never reuses a name. */
final class Epochs {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Epochs() {
    }

    static String fresh() {
        return "e-" + Long.toString(RANDOM.nextLong() >>> 1, 36);
    }
}
