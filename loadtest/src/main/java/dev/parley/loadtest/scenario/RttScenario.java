package dev.parley.loadtest.scenario;

import dev.parley.loadtest.net.LoadSession;
import dev.parley.loadtest.net.SessionClose;
import dev.parley.loadtest.net.SessionListener;
import dev.parley.loadtest.report.Latency;
import dev.parley.loadtest.report.PercentilePoint;
import dev.parley.loadtest.report.Report;
import dev.parley.loadtest.run.Connector;
import dev.parley.loadtest.run.LiveStats;
import dev.parley.loadtest.run.MeasuredWindow;
import dev.parley.loadtest.run.PacedSender;
import dev.parley.loadtest.run.Waits;
import dev.parley.protocol.Command;
import dev.parley.protocol.RequestId;
import dev.parley.protocol.ServerEvent;
import org.HdrHistogram.Histogram;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code rtt}: every session sends the protocol's {@code ping} at a fixed rate, its id being the
 * ping's intended send time, and the latency of each {@code pong} is measured from that time. A
 * pong must answer each ping once and in order: one never answered is lost, one answered after a
 * later one is reordered, one answered twice is duplicated.
 */
public final class RttScenario implements Scenario {
    public record Settings(int clients, double rate, double warmupSeconds, double durationSeconds) {
    }

    private final Settings s;

    public RttScenario(Settings settings) {
        this.s = settings;
    }

    @Override
    public Report run(RunContext ctx) {
        LiveStats stats = ctx.stats();
        Report.Builder report = ctx.report("rtt").parameter("clients", s.clients()).parameter("ratePerClient", s.rate())
                .parameter("warmupSeconds", s.warmupSeconds()).parameter("durationSeconds", s.durationSeconds());
        Map<LoadSession, Pinger> pingers = new IdentityHashMap<>();
        Connector.Result opened = ctx.connector().open(s.clients(), ctx::nick, session -> {
            Pinger pinger = new Pinger(stats, session);
            synchronized (pingers) {
                pingers.put(session, pinger);
            }
            return pinger;
        });
        try {
            report.connections(opened.summary());
            MeasuredWindow window = MeasuredWindow.open(stats, s.warmupSeconds(), s.durationSeconds());
            List<PacedSender> senders = new ArrayList<>();
            double interval = 1e9 / s.rate();
            List<Pinger> live = new ArrayList<>();
            synchronized (pingers) {
                opened.sessions().forEach(session -> live.add(pingers.get(session)));
            }
            for (int i = 0; i < live.size(); i++) {
                Pinger pinger = live.get(i);
                senders.add(new PacedSender(pinger.session, s.rate(), window.start() + (long) (i * interval / live.size()),
                        window.end(), pinger::ping).start());
            }
            MeasuredWindow.Result measured = window.await(ctx.progress(), ctx.probe());
            Waits.await(() -> PacedSender.allDone(senders) && stats.allAnswered(), ctx.drainTimeoutMs());
            Histogram latency = stats.measuredLatencies();
            Faults faults = Faults.NONE;
            for (Pinger pinger : live) {
                faults = faults.plus(pinger.session.eventLoop().submit(pinger::faults).syncUninterruptibly().getNow());
            }
            report.window(measured.seconds(), measured.sent(), measured.delivered(), s.rate() * live.size(), measured.cpu())
                    .latency(Latency.ofMicros(latency), PercentilePoint.distribution(latency))
                    .traffic(stats.sentCount(), stats.ackedCount(), stats.deliveredCount(), faults.expected())
                    .deliveryFaults(faults.lost(), faults.duplicated(), faults.reordered())
                    .unconfirmedSends(stats.unconfirmedCount());
        } finally {
            ctx.progress().phase("close");
            opened.sessions().forEach(LoadSession::close);
            Waits.await(() -> opened.sessions().stream().allMatch(x -> x.closed().isDone()), ctx.drainTimeoutMs());
        }
        return ctx.finish(report);
    }

    /** One session's pings in flight, oldest first; confined to its event loop. */
    private static final class Pinger implements SessionListener {
        private final LiveStats stats;
        private final LoadSession session;
        private final ArrayDeque<Long> outstanding = new ArrayDeque<>();
        private long pings;
        private long rejected;
        private long duplicated;
        private long reordered;

        Pinger(LiveStats stats, LoadSession session) {
            this.stats = stats;
            this.session = session;
        }

        void ping(long intendedNanos) {
            outstanding.addLast(intendedNanos);
            pings++;
            session.send(new Command.Ping(RequestId.of(intendedNanos)));
            stats.sent();
        }

        @Override
        public void onEvent(LoadSession s, ServerEvent event, long receivedNanos) {
            stats.event();
            if (event instanceof ServerEvent.Pong pong && pong.id() != null && pong.id().value() instanceof Long id) {
                Long oldest = outstanding.peekFirst();
                if (oldest != null && oldest.longValue() == id) {
                    outstanding.pollFirst();
                } else if (outstanding.remove(id)) {
                    reordered++;
                } else {
                    duplicated++;
                    return;
                }
                stats.acked();
                stats.delivered(id, receivedNanos);
            } else if (event instanceof ServerEvent.Error error) {
                if (error.id() != null && error.id().value() instanceof Long id && outstanding.remove(id)) {
                    rejected++;
                }
                stats.rejected();
                stats.errors().add("error reply: " + (error.code() == null ? "unknown" : error.code().wireName()));
            }
        }

        @Override
        public void onUnreadable(LoadSession s, String problem) {
            stats.errors().add(problem);
        }

        /** Pings in flight when the connection was lost are unconfirmed, not owed. */
        @Override
        public void onDisconnected(LoadSession s, SessionClose close) {
            stats.unconfirmed(outstanding.size());
            pings -= outstanding.size();
            outstanding.clear();
        }

        @Override
        public void onClosed(LoadSession s, SessionClose close) {
            if (!close.requested()) {
                stats.errors().add("closed by server: " + close.code());
            }
        }

        /** Pongs owed (pings not rejected), and those never received, received twice or out of order. */
        Faults faults() {
            return new Faults(pings - rejected, outstanding.size(), duplicated, reordered, 0, 0);
        }
    }
}
