package dev.parley.loadtest.scenario;

/**
 * What the receivers' delivery checks add up to: deliveries owed ({@code expected}), those that
 * broke the contract (never arrived, arrived twice, arrived after a later one), and those missed
 * across a reconnect that the server said it could not recover ({@code notRecovered}, in
 * {@code notRecoveredJoins} re-joins answered {@code recovered:false}).
 */
record Faults(long expected, long lost, long duplicated, long reordered, long notRecovered, long notRecoveredJoins) {
    static final Faults NONE = new Faults(0, 0, 0, 0, 0, 0);

    Faults plus(Faults other) {
        return new Faults(expected + other.expected, lost + other.lost, duplicated + other.duplicated,
                reordered + other.reordered, notRecovered + other.notRecovered,
                notRecoveredJoins + other.notRecoveredJoins);
    }
}
