package dev.parley.loadtest.scenario;

import dev.parley.loadtest.report.Latency;
import dev.parley.loadtest.report.PercentilePoint;
import dev.parley.loadtest.report.Report;
import dev.parley.loadtest.report.SearchResult;
import dev.parley.loadtest.report.SearchStep;
import dev.parley.loadtest.run.LiveStats;
import dev.parley.loadtest.run.MeasuredWindow;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code broadcast}: {@code clients} sessions over {@code rooms} rooms, {@code senders} of them
 * sending {@code rate} messages a second each; every member of a room, the sender included, must
 * receive every message once and in order. With a {@link Search}, the rate is stepped up by
 * {@code factor} until a step is not sustainable (p99 over the bound, deliveries behind the
 * offered load, or not drained in time), and the highest sustainable deliveries per second is
 * reported.
 */
public final class BroadcastScenario implements Scenario {
    /** A step keeps up when it delivers at least this share of the offered deliveries. */
    static final double KEEP_UP_SHARE = 0.95;
    private static final String SUSTAINABLE = "sustainable";

    /**
     * The load; {@code search} is null for a single run at {@code rate}, {@code storm} null for none
     * (a storm is {@code broadcast}'s alone), {@code start} null to send as soon as the rooms settled.
     */
    public record Settings(int clients, int rooms, int senders, double rate, int size, double warmupSeconds,
                           double durationSeconds, double settleSeconds, Search search, Storm storm,
                           StartSignal start) {
        /** Adds these settings to a report's parameters. */
        Report.Builder describe(Report.Builder report) {
            report.parameter("clients", clients).parameter("rooms", rooms).parameter("senders", senders)
                    .parameter("ratePerSender", rate).parameter("sizeChars", size)
                    .parameter("warmupSeconds", warmupSeconds).parameter("durationSeconds", durationSeconds);
            if (storm != null) {
                report.parameter("storm", storm.kind().wireName()).parameter("stormMembers", storm.members())
                        .parameter("stormPerSecond", storm.perSecond());
            }
            return report;
        }
    }

    /**
     * How {@code --max-deliveries-search} steps: from {@code rate}, times {@code factor}, at most
     * {@code maxSteps}; a step that fails is run again up to {@code retries} times before the
     * search stops, so one stall of a shared machine does not end it.
     */
    public record Search(double p99BoundMs, double factor, int maxSteps, int retries) {
    }

    private final Settings s;

    public BroadcastScenario(Settings settings) {
        this.s = settings;
    }

    @Override
    public Report run(RunContext ctx) {
        Report.Builder report = s.describe(ctx.report("broadcast"));
        ChatLoad chat = new ChatLoad(ctx, s.rooms(), s.size(), s.settleSeconds());
        try {
            report.connections(chat.setup(s.clients()).summary());
            report.parameter("members", chat.members()).parameter("fillSeconds", chat.fillSeconds());
            if (s.start() != null && !s.start().readyThenAwaitGo(ctx, chat.members(), chat.fillSeconds(),
                    Math.round(s.settleSeconds() * 1000))) {
                ctx.out().println("-- no go file within the settle timeout; sending anyway");
            }
            ChatLoad.PhaseResult chosen = s.search() == null
                    ? chat.runPhase(s.senders(), s.rate(), s.warmupSeconds(), s.durationSeconds(), s.storm())
                    : search(ctx, chat, report);
            describe(report, chosen, chat.faults(), ctx.stats());
            if (s.storm() != null) {
                report.parameter("refusedCommands", ctx.stats().rejectedCount());
            }
        } finally {
            chat.close();
        }
        return ctx.finish(report);
    }

    /** Fills the traffic parts of a report: the run's totals, the delivery checks, and the window of {@code phase}. */
    static void describe(Report.Builder report, ChatLoad.PhaseResult phase, Faults faults, LiveStats stats) {
        if (!phase.drained()) {
            report.parameter("drained", false);
        }
        MeasuredWindow.Result window = phase.window();
        report.window(window.seconds(), window.sent(), window.delivered(), phase.offeredDeliveriesPerSec(), window.cpu())
                .latency(Latency.ofMicros(phase.latencyMicros()), PercentilePoint.distribution(phase.latencyMicros()))
                .ackLatency(Latency.ofMicros(phase.ackLatencyMicros()))
                .traffic(stats.sentCount(), stats.ackedCount(), stats.deliveredCount(), faults.expected())
                .deliveryFaults(faults.lost(), faults.duplicated(), faults.reordered())
                .notRecovered(faults.notRecovered(), faults.notRecoveredJoins())
                .unconfirmedSends(stats.unconfirmedCount());
    }

    private ChatLoad.PhaseResult search(RunContext ctx, ChatLoad chat, Report.Builder report) {
        Search search = s.search();
        List<SearchStep> steps = new ArrayList<>();
        ChatLoad.PhaseResult best = null;
        ChatLoad.PhaseResult last = null;
        long lostBefore = 0;
        double rate = s.rate();
        int retriesLeft = search.retries();
        for (int step = 0; step < search.maxSteps(); ) {
            ctx.out().println(String.format(Locale.ROOT, "-- search step %d: %.2f messages/s per sender", step + 1, rate));
            last = chat.runPhase(s.senders(), rate, s.warmupSeconds(), s.durationSeconds(), s.storm());
            long lostSoFar = chat.faults().lost();
            long lost = lostSoFar - lostBefore;
            lostBefore = lostSoFar;
            double p99 = Latency.ofMicros(last.latencyMicros()).p99Ms();
            String verdict = verdict(last, p99, lost, search.p99BoundMs());
            boolean sustainable = verdict.equals(SUSTAINABLE);
            boolean retry = !sustainable && retriesLeft > 0;
            steps.add(new SearchStep(rate, last.offeredDeliveriesPerSec(), last.deliveriesPerSec(), p99, lost,
                    sustainable, retry ? verdict + "; retried" : verdict));
            if (retry) {
                retriesLeft--;
                continue;
            }
            if (!sustainable) {
                break;
            }
            best = last;
            retriesLeft = search.retries();
            step++;
            rate *= search.factor();
        }
        report.parameter("p99BoundMs", search.p99BoundMs()).parameter("searchFactor", search.factor())
                .search(new SearchResult(search.p99BoundMs(), best == null ? 0 : best.deliveriesPerSec(),
                        best == null ? 0 : best.ratePerSender(), steps));
        return best != null ? best : last;
    }

    private static String verdict(ChatLoad.PhaseResult phase, double p99, long lost, double boundMs) {
        if (!phase.drained()) {
            return "not drained in time";
        }
        if (lost > 0) {
            return lost + " lost";
        }
        if (phase.deliveriesPerSec() < KEEP_UP_SHARE * phase.offeredDeliveriesPerSec()) {
            return "fell behind";
        }
        if (p99 > boundMs) {
            return "p99 over bound";
        }
        return SUSTAINABLE;
    }
}
