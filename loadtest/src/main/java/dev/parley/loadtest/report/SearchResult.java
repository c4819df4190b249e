package dev.parley.loadtest.report;

import java.util.List;

/**
 * The outcome of {@code --max-deliveries-search}: the highest deliveries per second whose step kept
 * p99 within {@code p99BoundMs} and kept up with the offered load (0 when no step did).
 */
public record SearchResult(double p99BoundMs, double highestSustainableDeliveriesPerSec,
                           double ratePerSenderAtHighest, List<SearchStep> steps) {
    public SearchResult {
        steps = List.copyOf(steps);
    }
}
