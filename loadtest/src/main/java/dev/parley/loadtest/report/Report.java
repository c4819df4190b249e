package dev.parley.loadtest.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one harness run found, as written to {@code report.json} (and drawn in
 * {@code report.html}). Latencies are in milliseconds, measured from each message's intended
 * send time ({@code ackLatency}: to each send's {@code ack}); rates are per second of the measurement window. {@link #passed()} is false when a
 * delivery was lost, duplicated or reordered, a reconnected session was told {@code recovered:false}
 * (its missed messages {@code notRecovered}), a node restart failed, or the errors exceeded the
 * budget ({@link #failures()} says which). {@code unconfirmedSends} were sent on connections that
 * were lost before the answer came: the server may or may not have taken them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Report(
        String scenario,
        String url,
        String startedAt,
        String harness,
        Map<String, Object> parameters,
        ConnectionSummary connections,
        double measuredSeconds,
        long sent,
        long acked,
        long delivered,
        long expectedDeliveries,
        double sentPerSec,
        double deliveriesPerSec,
        double offeredDeliveriesPerSec,
        @JsonUnwrapped Latency latency,
        Latency ackLatency,
        long lost,
        long duplicated,
        long reordered,
        long notRecovered,
        long notRecoveredSessions,
        long unconfirmedSends,
        ReconnectSummary reconnects,
        Latency baselineLatency,
        List<NodeRestart> restarts,
        long errors,
        long maxErrors,
        Map<String, Long> errorsByKind,
        ServerFootprint server,
        CpuUse cpu,
        SearchResult search,
        List<PercentilePoint> latencyDistribution,
        List<TimelinePoint> timeline,
        boolean passed,
        List<String> failures) {

    public static Builder builder(String scenario) {
        return new Builder(scenario);
    }

    /** Collects a report's parts as a scenario learns them; {@link #build()} decides the verdict. */
    public static final class Builder {
        private final String scenario;
        private String url;
        private String startedAt;
        private String harness;
        private final Map<String, Object> parameters = new LinkedHashMap<>();
        private ConnectionSummary connections;
        private double measuredSeconds;
        private long sent;
        private long acked;
        private long delivered;
        private long expectedDeliveries;
        private double offeredDeliveriesPerSec;
        private long deliveredInWindow;
        private long sentInWindow;
        private Latency latency = Latency.NONE;
        private List<PercentilePoint> distribution = List.of();
        private Latency ackLatency;
        private long lost;
        private long duplicated;
        private long reordered;
        private long notRecovered;
        private long notRecoveredSessions;
        private long unconfirmedSends;
        private ReconnectSummary reconnects;
        private Latency baselineLatency;
        private List<NodeRestart> restarts;
        private long maxErrors;
        private Map<String, Long> errorsByKind = Map.of();
        private ServerFootprint server;
        private CpuUse cpu;
        private SearchResult search;
        private List<TimelinePoint> timeline = List.of();

        private Builder(String scenario) {
            this.scenario = scenario;
        }

        public Builder run(String url, String startedAt, String harness) {
            this.url = url;
            this.startedAt = startedAt;
            this.harness = harness;
            return this;
        }

        public Builder parameter(String name, Object value) {
            parameters.put(name, value);
            return this;
        }

        public Builder connections(ConnectionSummary connections) {
            this.connections = connections;
            return this;
        }

        /** Totals over the whole run. */
        public Builder traffic(long sent, long acked, long delivered, long expectedDeliveries) {
            this.sent = sent;
            this.acked = acked;
            this.delivered = delivered;
            this.expectedDeliveries = expectedDeliveries;
            return this;
        }

        /** What happened inside the measurement window of {@code seconds}, and the CPU it took. */
        public Builder window(double seconds, long sentInWindow, long deliveredInWindow, double offeredDeliveriesPerSec,
                              CpuUse cpu) {
            this.measuredSeconds = seconds;
            this.sentInWindow = sentInWindow;
            this.deliveredInWindow = deliveredInWindow;
            this.offeredDeliveriesPerSec = offeredDeliveriesPerSec;
            this.cpu = cpu;
            return this;
        }

        public Builder latency(Latency latency, List<PercentilePoint> distribution) {
            this.latency = latency;
            this.distribution = List.copyOf(distribution);
            return this;
        }

        /** Each measured send's time from its intended send time to its {@code ack}; left out when none was timed. */
        public Builder ackLatency(Latency ackLatency) {
            this.ackLatency = ackLatency.samples() > 0 ? ackLatency : null;
            return this;
        }

        public Builder deliveryFaults(long lost, long duplicated, long reordered) {
            this.lost = lost;
            this.duplicated = duplicated;
            this.reordered = reordered;
            return this;
        }

        /**
         * Messages missed across reconnects that the server could not recover ({@code recovered:false}),
         * and in how many re-joins.
         */
        public Builder notRecovered(long messages, long sessions) {
            this.notRecovered = messages;
            this.notRecoveredSessions = sessions;
            return this;
        }

        /** Sends whose connection was lost before their answer. */
        public Builder unconfirmedSends(long unconfirmedSends) {
            this.unconfirmedSends = unconfirmedSends;
            return this;
        }

        /** Sessions that lost their connection and came back; left out of the report when there were none. */
        public Builder reconnects(ReconnectSummary reconnects) {
            this.reconnects = reconnects.lost() > 0 || reconnects.attempts() > 0 ? reconnects : null;
            return this;
        }

        /** The latency of the same load before the restarts, to compare with {@link #latency}. */
        public Builder baselineLatency(Latency baselineLatency) {
            this.baselineLatency = baselineLatency;
            return this;
        }

        public Builder restarts(List<NodeRestart> restarts) {
            this.restarts = List.copyOf(restarts);
            return this;
        }

        public Builder errors(Map<String, Long> errorsByKind, long maxErrors) {
            this.errorsByKind = Map.copyOf(errorsByKind);
            this.maxErrors = maxErrors;
            return this;
        }

        public Builder server(ServerFootprint server) {
            this.server = server;
            return this;
        }

        public Builder search(SearchResult search) {
            this.search = search;
            return this;
        }

        public Builder timeline(List<TimelinePoint> timeline) {
            this.timeline = List.copyOf(timeline);
            return this;
        }

        public Report build() {
            long errors = errorsByKind.values().stream().mapToLong(Long::longValue).sum();
            List<String> failures = new ArrayList<>();
            if (lost > 0) {
                failures.add(lost + " deliveries lost");
            }
            if (duplicated > 0) {
                failures.add(duplicated + " deliveries duplicated");
            }
            if (reordered > 0) {
                failures.add(reordered + " deliveries out of order");
            }
            if (notRecoveredSessions > 0) {
                failures.add(notRecoveredSessions + " re-joins not recovered (" + notRecovered + " messages missed)");
            }
            if (reconnects != null && reconnects.gaveUp() > 0) {
                failures.add(reconnects.gaveUp() + " sessions gave up reconnecting");
            }
            if (restarts != null) {
                restarts.stream().filter(r -> r.exitCode() != 0).forEach(r ->
                        failures.add("restart failed with exit code " + r.exitCode() + ": " + r.command()));
            }
            if (errors > maxErrors) {
                failures.add(errors + " errors, over the budget of " + maxErrors);
            }
            double seconds = measuredSeconds > 0 ? measuredSeconds : 1;
            return new Report(scenario, Objects.requireNonNull(url, "url"), startedAt, harness,
                    new LinkedHashMap<>(parameters), connections, measuredSeconds, sent, acked, delivered,
                    expectedDeliveries, measuredSeconds > 0 ? sentInWindow / seconds : 0,
                    measuredSeconds > 0 ? deliveredInWindow / seconds : 0, offeredDeliveriesPerSec, latency,
                    ackLatency, lost, duplicated, reordered, notRecovered, notRecoveredSessions, unconfirmedSends, reconnects,
                    baselineLatency, restarts, errors, maxErrors, errorsByKind, server, cpu, search, distribution,
                    timeline, failures.isEmpty(), List.copyOf(failures));
        }
    }
}
