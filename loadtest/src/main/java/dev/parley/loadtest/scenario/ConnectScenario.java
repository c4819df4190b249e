package dev.parley.loadtest.scenario;

import dev.parley.loadtest.report.Report;
import dev.parley.loadtest.report.ServerFootprint;
import dev.parley.loadtest.run.Connector;
import dev.parley.loadtest.run.ServerProbe;
import dev.parley.loadtest.run.Waits;

import java.util.Locale;

/**
 * {@code connect}: opens {@code clients} sessions (optionally each in one of {@code rooms}
 * rooms), holds them for {@code holdSeconds}, and reports how fast they opened and, when the
 * server exposes its heap in {@code /metrics}, what each one costs the server: heap (after a full
 * GC when the server's pid is known) and resident memory; with rooms, how long filling them took
 * (first connect to last {@code joined}) and how many presence and occupancy events that cost.
 * Any session the server closes while held counts as an error.
 */
public final class ConnectScenario implements Scenario {
    public record Settings(int clients, int rooms, double holdSeconds) {
    }

    private final Settings s;

    public ConnectScenario(Settings settings) {
        this.s = settings;
    }

    @Override
    public Report run(RunContext ctx) {
        Report.Builder report = ctx.report("connect").parameter("clients", s.clients()).parameter("rooms", s.rooms())
                .parameter("holdSeconds", s.holdSeconds());
        ChatLoad sessions = new ChatLoad(ctx, s.rooms(), 1, ctx.drainTimeoutMs() / 1000.0);
        try {
            ServerProbe.Sample before = ctx.probe().sample();
            Connector.Result opened = sessions.setup(s.clients());
            report.connections(opened.summary());
            if (s.rooms() > 0) {
                report.parameter("fillSeconds", sessions.fillSeconds())
                        .parameter("joinSeconds", sessions.joinSeconds())
                        .parameter("announcements", ctx.stats().announcementCount());
                ctx.out().printf(Locale.ROOT, "-- rooms filled in %.2f s from the first connect to the last joined "
                        + "(the joins alone: %.2f s); %,d presence and occupancy events received by then and while "
                        + "settling%n", sessions.fillSeconds(), sessions.joinSeconds(), ctx.stats().announcementCount());
            }
            ctx.progress().phase("hold");
            long holdEnd = System.nanoTime() + (long) (s.holdSeconds() * 1e9);
            ServerProbe.Sample after = ctx.probe().sample();
            report.server(ServerFootprint.between(opened.sessions().size(), before.heapBytes(), after.heapBytes(),
                    before.rssBytes(), after.rssBytes(), before.gcForced() && after.gcForced()));
            Waits.sleepUntil(holdEnd);
            report.parameter("openAtEnd", ctx.stats().connections());
        } finally {
            sessions.close();
        }
        return ctx.finish(report);
    }
}
