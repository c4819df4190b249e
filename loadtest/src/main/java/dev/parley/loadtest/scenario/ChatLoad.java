package dev.parley.loadtest.scenario;

import dev.parley.loadtest.net.FailureCause;
import dev.parley.loadtest.net.LoadSession;
import dev.parley.loadtest.run.Connector;
import dev.parley.loadtest.run.LiveStats;
import dev.parley.loadtest.run.MeasuredWindow;
import dev.parley.loadtest.run.PacedSender;
import dev.parley.loadtest.run.Payload;
import dev.parley.loadtest.run.Waits;
import dev.parley.protocol.Command;
import dev.parley.protocol.ServerEvent;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Rooms full of harness sessions and senders that talk in them: what {@code broadcast} and
 * {@code churn} (and the deliveries search) are made of. {@link #setup} opens the sessions,
 * joins session {@code i} (the run's number, see {@link RunContext#sessionNumber}) to room
 * {@code i mod rooms} and waits for the presence announcements
 * to settle; {@link #runPhase} lets the first {@code senders} sessions send at a fixed rate
 * through a warm-up and a measurement window, then drains; {@link #faults} adds up every receiver's delivery check; {@link #close} ends it all.
 */
final class ChatLoad {
    /**
     * After the joins, how long no event may arrive before sending starts: every join is announced
     * to every member, and a big room's announcements are still being delivered when the last
     * {@code joined} arrives.
     */
    private static final long SETTLE_QUIET_MS = 500;

    /**
     * One phase's outcome. Rates are per second of the measurement window; latencies in µs: each
     * delivery's, and each measured send's to its {@code ack}.
     */
    record PhaseResult(double ratePerSender, MeasuredWindow.Result window, double offeredDeliveriesPerSec,
                       Histogram latencyMicros, Histogram ackLatencyMicros, boolean drained) {
        double deliveriesPerSec() {
            return window.delivered() / window.seconds();
        }
    }

    /** A session that joined its room, and the receiver checking it. */
    private record Member(LoadSession session, Receiver receiver) {
    }

    private final RunContext ctx;
    private final LiveStats stats;
    private final int size;
    private final long settleTimeoutMs;
    private final List<RoomState> rooms = new ArrayList<>();
    private final List<Member> members = new ArrayList<>();
    private Connector.Result connected;
    private double fillSeconds;
    private double joinSeconds;

    ChatLoad(RunContext ctx, int roomCount, int size, double settleSeconds) {
        this.ctx = ctx;
        this.stats = ctx.stats();
        this.size = size;
        this.settleTimeoutMs = Math.round(settleSeconds * 1000);
        for (int i = 0; i < roomCount; i++) {
            rooms.add(new RoomState(ctx.room(i)));
        }
    }

    /**
     * Opens {@code clients} sessions and joins each to its room (with no rooms, the sessions stay
     * idle); returns how the opening went.
     */
    Connector.Result setup(int clients) {
        long start = System.nanoTime();
        ctx.progress().phase("connect");
        Map<LoadSession, Receiver> receivers = new IdentityHashMap<>();
        connected = ctx.connector().open(clients, ctx::nick, session -> {
            Receiver receiver = new Receiver(stats);
            synchronized (receivers) {
                receivers.put(session, receiver);
            }
            return receiver;
        });
        List<LoadSession> sessions = rooms.isEmpty() ? List.of() : connected.sessions();
        ctx.progress().phase("join");
        long joinStart = System.nanoTime();
        Member[] joined = new Member[sessions.size()];
        Semaphore inFlight = new Semaphore(ctx.concurrency());
        List<CompletableFuture<?>> joins = new ArrayList<>();
        for (int i = 0; i < sessions.size(); i++) {
            LoadSession session = sessions.get(i);
            Receiver receiver;
            synchronized (receivers) {
                receiver = receivers.get(session);
            }
            RoomState room = room(ctx.sessionNumber(i));
            int index = i;
            inFlight.acquireUninterruptibly();
            joins.add(receiver.join(session, room)
                    .orTimeout(ctx.drainTimeoutMs(), TimeUnit.MILLISECONDS)
                    .whenComplete((offset, failure) -> {
                        inFlight.release();
                        if (failure == null) {
                            joined[index] = new Member(session, receiver);
                        } else {
                            stats.errors().add("join: " + FailureCause.of(failure));
                        }
                    }));
        }
        CompletableFuture.allOf(joins.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        fillSeconds = (System.nanoTime() - start) / 1e9;
        joinSeconds = (System.nanoTime() - joinStart) / 1e9;
        for (Member member : joined) {
            if (member != null) {
                members.add(member);
            }
        }
        ctx.progress().phase("settle");
        if (!Waits.awaitQuiet(stats::eventCount, SETTLE_QUIET_MS, settleTimeoutMs)) {
            ctx.out().println("-- join announcements still arriving after the settle timeout; sending anyway");
        }
        return connected;
    }

    /** Seconds from the first connect to the last {@code joined}. */
    double fillSeconds() {
        return fillSeconds;
    }

    /** Seconds from the first {@code join} sent to the last {@code joined}. */
    double joinSeconds() {
        return joinSeconds;
    }

    /** Sessions that joined their room. */
    int members() {
        return members.size();
    }

    RoomState room(int i) {
        return rooms.get(i % rooms.size());
    }

    /**
     * Lets the first {@code senders} members send {@code ratePerSender} messages a second each,
     * for {@code warmupSeconds} unmeasured and {@code durationSeconds} measured, then waits until
     * every message was answered and delivered (or the drain timeout passed).
     */
    PhaseResult runPhase(int senders, double ratePerSender, double warmupSeconds, double durationSeconds) {
        return runPhase(senders, ratePerSender, warmupSeconds, durationSeconds, null);
    }

    /** {@link #runPhase(int, double, double, double)} with a {@code storm} (nullable) beside the senders. */
    PhaseResult runPhase(int senders, double ratePerSender, double warmupSeconds, double durationSeconds, Storm storm) {
        int count = Math.min(senders, members.size());
        Map<RoomState, Long> targets = storm == null ? Map.of() : stormTargets(stormers(count, storm));
        MeasuredWindow window = MeasuredWindow.open(stats, warmupSeconds, durationSeconds);
        double offered = 0;
        List<PacedSender> paced = new ArrayList<>(count);
        double intervalNanos = 1e9 / ratePerSender;
        for (int j = 0; j < count; j++) {
            Member sender = members.get(j);
            Receiver receiver = sender.receiver();
            offered += ratePerSender * receiver.room().members();
            LoadSession session = sender.session();
            long first = window.start() + (long) (j * intervalNanos / count);
            paced.add(new PacedSender(session, ratePerSender, first, window.end(),
                    intended -> receiver.send(session, intended, Payload.text(intended, size))).start());
        }
        if (storm != null) {
            List<Member> stormers = stormers(count, storm);
            double perMember = storm.perMember(stormers.size());
            for (int j = 0; j < stormers.size(); j++) {
                Receiver receiver = stormers.get(j).receiver();
                LoadSession session = stormers.get(j).session();
                long target = targets.get(receiver.room());
                offered += perMember * receiver.room().members();
                long first = window.start() + (long) (j * 1e9 / storm.perSecond());
                paced.add(new PacedSender(session, perMember, first, window.end(),
                        intended -> receiver.storm(session, storm.kind(), target)).start());
            }
        }
        MeasuredWindow.Result measured = window.await(ctx.progress(), ctx.probe());
        boolean drained = Waits.await(() -> PacedSender.allDone(paced) && stats.allAnswered()
                && members.stream().allMatch(m -> m.receiver().drained()), ctx.drainTimeoutMs());
        paced.forEach(PacedSender::stop);
        return new PhaseResult(ratePerSender, measured, offered, stats.measuredLatencies(),
                stats.measuredAckLatencies(), drained);
    }

    /** The members after the {@code senders} first that make the storm. */
    private List<Member> stormers(int senders, Storm storm) {
        return members.subList(senders, Math.min(members.size(), senders + storm.members()));
    }

    /**
     * The message each room of {@code stormers} gets its reactions on: one sent now by the room's
     * first storm member (every storm kind gets it, so the runs compare alike).
     */
    private Map<RoomState, Long> stormTargets(List<Member> stormers) {
        Map<RoomState, Long> targets = new IdentityHashMap<>();
        for (Member member : stormers) {
            RoomState room = member.receiver().room();
            if (!targets.containsKey(room)) {
                ServerEvent.Reply reply = member.session()
                        .request(id -> new Command.Send(id, room.name(), "storm target", null))
                        .orTimeout(ctx.drainTimeoutMs(), TimeUnit.MILLISECONDS).join();
                if (!(reply instanceof ServerEvent.Ack ack) || ack.offset() == null) {
                    throw new IllegalStateException("the storm's target message was not stored: " + reply);
                }
                room.reached(ack.offset());
                targets.put(room, ack.offset());
            }
        }
        return targets;
    }

    /** Every member's delivery check, added up on the members' event loops. */
    Faults faults() {
        Faults total = Faults.NONE;
        for (Member member : members) {
            total = total.plus(member.session().eventLoop().submit(member.receiver()::faults)
                    .syncUninterruptibly().getNow());
        }
        return total;
    }

    /** Closes every session and waits (bounded) for them to end. */
    void close() {
        ctx.progress().phase("close");
        List<CompletableFuture<?>> closed = new ArrayList<>();
        if (connected != null) {
            connected.sessions().forEach(s -> closed.add(s.close()));
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(closed.toArray(CompletableFuture[]::new));
        if (!Waits.await(all::isDone, ctx.drainTimeoutMs())) {
            stats.errors().add("close: not closed in time");
        }
    }
}
