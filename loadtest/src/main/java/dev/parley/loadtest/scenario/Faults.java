package dev.parley.loadtest.scenario;

/**
 * What the receivers' delivery checks add up to: deliveries owed ({@code expected}), and those
 * that broke the contract: never arrived, arrived twice, arrived after a later one.
 */
record Faults(long expected, long lost, long duplicated, long reordered) {
    static final Faults NONE = new Faults(0, 0, 0, 0);

    Faults plus(Faults other) {
        return new Faults(expected + other.expected, lost + other.lost, duplicated + other.duplicated,
                reordered + other.reordered);
    }
}
