package dev.parley.loadtest.cli;

/** Option checks that fail with a usage error naming the option. */
final class Checks {
    private Checks() {
    }

    static void atLeast(String option, double value, double min) {
        if (value < min) {
            throw new IllegalArgumentException(option + " must be at least " + format(min) + ", not " + format(value));
        }
    }

    static void positive(String option, double value) {
        if (!(value > 0)) {
            throw new IllegalArgumentException(option + " must be more than 0, not " + format(value));
        }
    }

    private static String format(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
