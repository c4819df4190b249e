package dev.parley.loadtest.report;

/** One step of {@code --max-deliveries-search}: the offered load and what the server made of it. */
public record SearchStep(double ratePerSender, double offeredDeliveriesPerSec, double deliveriesPerSec,
                         double p99Ms, long lost, boolean sustainable, String verdict) {
}
