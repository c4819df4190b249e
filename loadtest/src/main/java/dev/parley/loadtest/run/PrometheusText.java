package dev.parley.loadtest.run;

import java.util.Optional;

/** Reads values out of the Prometheus text exposition format. */
final class PrometheusText {
    private PrometheusText() {
    }

    /**
     * The sum of every sample of {@code metric} whose labels contain {@code labelMatch}
     * (such as {@code area="heap"}), or empty when there is none.
     */
    static Optional<Long> sum(String exposition, String metric, String labelMatch) {
        double total = 0;
        boolean found = false;
        for (String line : exposition.split("\n")) {
            if (!line.startsWith(metric + "{") || !line.contains(labelMatch)) {
                continue;
            }
            String value = line.substring(line.lastIndexOf('}') + 1).trim().split("\\s+")[0];
            try {
                total += Double.parseDouble(value);
                found = true;
            } catch (NumberFormatException e) {
                // a malformed sample is skipped, not fatal
            }
        }
        return found ? Optional.of(Math.round(total)) : Optional.empty();
    }
}
