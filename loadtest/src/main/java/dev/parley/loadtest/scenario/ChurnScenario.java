package dev.parley.loadtest.scenario;

import dev.parley.loadtest.report.Latency;
import dev.parley.loadtest.report.Report;

/**
 * {@code churn}: the {@code broadcast} load (clients over rooms, senders at a fixed rate) while
 * {@code churnRate} sessions a second connect, join a room and, {@code churnLifetime} seconds
 * later, disconnect. Everyone's deliveries are checked; a churn session is owed only what was
 * sent while it was in its room.
 */
public final class ChurnScenario implements Scenario {
    public record Settings(BroadcastScenario.Settings load, double churnRate, double churnLifetimeSeconds) {
    }

    private final Settings s;

    public ChurnScenario(Settings settings) {
        this.s = settings;
    }

    @Override
    public Report run(RunContext ctx) {
        BroadcastScenario.Settings load = s.load();
        Report.Builder report = load.describe(ctx.report("churn"))
                .parameter("churnPerSec", s.churnRate()).parameter("churnLifetimeSeconds", s.churnLifetimeSeconds());
        ChatLoad chat = new ChatLoad(ctx, load.rooms(), load.size(), load.settleSeconds());
        try {
            report.connections(chat.setup(load.clients()).summary());
            ChurnDriver churn = new ChurnDriver(ctx, chat, s.churnRate(), s.churnLifetimeSeconds(), load.clients());
            long churnStart = System.nanoTime();
            churn.start();
            ChatLoad.PhaseResult phase = chat.runPhase(load.senders(), load.rate(), load.warmupSeconds(),
                    load.durationSeconds());
            ChurnDriver.Result churned = churn.stop();
            double churnSeconds = (System.nanoTime() - churnStart) / 1e9;
            Latency join = Latency.ofMicros(churned.joinMicros());
            report.parameter("churnOpened", churned.opened()).parameter("churnClosed", churned.closed())
                    .parameter("churnFailed", churned.failed())
                    .parameter("churnOpenedPerSec", Math.round(churned.opened() / churnSeconds))
                    .parameter("churnConnectToJoinedP50Ms", join.p50Ms())
                    .parameter("churnConnectToJoinedP99Ms", join.p99Ms());
            BroadcastScenario.describe(report, phase, chat.faults().plus(churn.faults()), ctx.stats());
        } finally {
            chat.close();
        }
        return ctx.finish(report);
    }
}
