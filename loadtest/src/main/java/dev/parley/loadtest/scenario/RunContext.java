package dev.parley.loadtest.scenario;

import dev.parley.loadtest.net.FailureCause;
import dev.parley.loadtest.net.LoadClient;
import dev.parley.loadtest.net.LoadSession;
import dev.parley.loadtest.report.Report;
import dev.parley.loadtest.run.Connector;
import dev.parley.loadtest.run.LiveStats;
import dev.parley.loadtest.run.Progress;
import dev.parley.loadtest.run.ServerProbe;

import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What every scenario runs with: the client, the live counts, the progress line, the connector,
 * the server probe and the few settings all scenarios share. Names are unique per run
 * ({@code lt<run>-<i>}), so runs against the same server never collide; several harness processes
 * given one run id share its rooms, each naming its sessions from its own first session number.
 */
public final class RunContext implements AutoCloseable {
    private final LoadClient client;
    private final LiveStats stats;
    private final Progress progress;
    private final Connector connector;
    private final ServerProbe probe;
    private final PrintStream out;
    private final long drainTimeoutMs;
    private final int concurrency;
    private final long connectTimeoutMs;
    private final long maxErrors;
    private final String runId;
    private final int firstSession;
    private final Instant startedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private final String harness;

    public RunContext(LoadClient client, Connector.Options connect, ServerProbe probe, PrintStream out,
                      long drainTimeoutMs, long maxErrors, String version, String runId, int firstSession) {
        this.client = client;
        this.runId = runId != null ? runId
                : Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36, 36 * 36 * 36 * 36), 36);
        this.firstSession = firstSession;
        this.stats = new LiveStats();
        this.progress = new Progress(stats, out);
        this.connector = new Connector(client, stats, connect);
        this.probe = probe;
        this.out = out;
        this.drainTimeoutMs = drainTimeoutMs;
        this.concurrency = connect.concurrency();
        this.connectTimeoutMs = connect.timeoutMs();
        this.maxErrors = maxErrors;
        this.harness = String.format(Locale.ROOT, "parley-loadtest %s (%s, %d cores)", version, client.transport(),
                Runtime.getRuntime().availableProcessors());
    }

    public LoadClient client() {
        return client;
    }

    public LiveStats stats() {
        return stats;
    }

    public Progress progress() {
        return progress;
    }

    public Connector connector() {
        return connector;
    }

    public ServerProbe probe() {
        return probe;
    }

    public PrintStream out() {
        return out;
    }

    public long drainTimeoutMs() {
        return drainTimeoutMs;
    }

    /** Requests (joins) in flight at once during setup; the connect concurrency. */
    public int concurrency() {
        return concurrency;
    }

    /**
     * Opens and closes one session before anything is measured, so the first measured sessions
     * do not pay for this JVM loading and compiling its connection path (about a second on a cold
     * JVM). A failure is only printed: the measured connections will report it by cause.
     */
    public void warmUp() {
        LoadSession session = client.open("lt" + runId + "-warmup");
        try {
            session.opened().get(3L * connectTimeoutMs, TimeUnit.MILLISECONDS);
            session.close().get(connectTimeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            session.close();
            out.println("warm-up session failed: " + FailureCause.of(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The run's number of this process's session {@code i}: what names it and picks its room. */
    public int sessionNumber(int i) {
        return firstSession + i;
    }

    /** The nick of this process's session {@code i}. */
    public String nick(int i) {
        return "lt" + runId + "-" + sessionNumber(i);
    }

    /** The name of harness room {@code i}. */
    public String room(int i) {
        return "lt" + runId + "-r" + i;
    }

    /** A report builder with this run's identity filled in. */
    public Report.Builder report(String scenario) {
        return Report.builder(scenario).run(client.urls(), startedAt.toString(), harness);
    }

    /** Finishes {@code report} with the timeline, reconnects and errors every scenario has. */
    public Report finish(Report.Builder report) {
        return report.timeline(progress.timeline()).reconnects(client.reconnects().summary())
                .errors(stats.errors().snapshot(), maxErrors).build();
    }

    @Override
    public void close() {
        progress.close();
        client.close();
    }
}
