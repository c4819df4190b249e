package dev.parley.loadtest.scenario;

import dev.parley.loadtest.report.Latency;
import dev.parley.loadtest.report.NodeRestart;
import dev.parley.loadtest.report.Report;
import dev.parley.loadtest.run.Waits;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code rolling-restart}: the {@code broadcast} load, measured once as a baseline, then measured
 * again while the nodes are restarted one after another by the given shell commands (one per
 * node, run in order, {@code pauseSeconds} apart, each waited for). Sessions of a restarted node
 * are closed with 1001 (or dropped, for a kill), reconnect through the URL list, resume and
 * re-join with {@code since}; every delivery is checked across the whole run. The report holds
 * the latency before and during the restarts, the reconnects and time to resume, and each
 * command's exit code and duration.
 */
public final class RollingRestartScenario implements Scenario {
    /** The load, the restart commands, the pause before each and the most one may take. */
    public record Settings(BroadcastScenario.Settings load, List<String> commands, double pauseSeconds,
                           double commandTimeoutSeconds) {
        public Settings {
            commands = List.copyOf(commands);
        }
    }

    private final Settings s;

    public RollingRestartScenario(Settings settings) {
        this.s = settings;
    }

    @Override
    public Report run(RunContext ctx) {
        BroadcastScenario.Settings load = s.load();
        Report.Builder report = load.describe(ctx.report("rolling-restart"))
                .parameter("restarts", s.commands().size()).parameter("restartPauseSeconds", s.pauseSeconds());
        ChatLoad chat = new ChatLoad(ctx, load.rooms(), load.size(), load.settleSeconds());
        try {
            report.connections(chat.setup(load.clients()).summary());
            report.parameter("members", chat.members());
            ctx.out().println("-- baseline: the same load before any restart");
            ChatLoad.PhaseResult baseline = chat.runPhase(load.senders(), load.rate(), load.warmupSeconds(),
                    load.durationSeconds());
            ctx.out().println("-- restarts: " + s.commands().size() + " node(s), one after another");
            long runStart = System.nanoTime();
            CompletableFuture<List<NodeRestart>> restarts = CompletableFuture.supplyAsync(() -> restartAll(ctx, runStart),
                    task -> new Thread(task, "loadtest-restarts").start());
            ChatLoad.PhaseResult during = chat.runPhase(load.senders(), load.rate(), 0, load.durationSeconds());
            List<NodeRestart> done = restarts.join();
            if (done.size() < s.commands().size()) {
                ctx.stats().errors().add("restarts outlasted the load (raise --duration)");
            }
            report.baselineLatency(Latency.ofMicros(baseline.latencyMicros())).restarts(done);
            BroadcastScenario.describe(report, during, chat.faults(), ctx.stats());
        } finally {
            chat.close();
        }
        return ctx.finish(report);
    }

    /** Runs each command after the pause, until all ran or the measured load is over. */
    private List<NodeRestart> restartAll(RunContext ctx, long runStart) {
        long loadEnd = runStart + (long) (s.load().durationSeconds() * 1e9);
        List<NodeRestart> done = new ArrayList<>();
        for (String command : s.commands()) {
            long start = System.nanoTime() + (long) (s.pauseSeconds() * 1e9);
            if (start >= loadEnd) {
                break;
            }
            Waits.sleepUntil(start);
            ctx.progress().phase("restart " + (done.size() + 1) + "/" + s.commands().size());
            int exit = run(command, s.commandTimeoutSeconds());
            done.add(new NodeRestart(command, exit, (start - runStart) / 1e9, (System.nanoTime() - start) / 1e9));
            if (System.nanoTime() < loadEnd) {
                ctx.progress().phase("measure");
            }
        }
        return done;
    }

    /** Runs {@code command} with {@code sh -c}, its output passed through; its exit code, or -1. */
    static int run(String command, double timeoutSeconds) {
        try {
            Process process = new ProcessBuilder("sh", "-c", command).inheritIO().start();
            if (!process.waitFor((long) (timeoutSeconds * 1000), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return -1;
            }
            return process.exitValue();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
