package dev.parley.loadtest.run;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * Looks at the server from outside: heap used from its Prometheus {@code /metrics} (Parley's, or
 * any server exporting {@code jvm_memory_used_bytes{area="heap"}}), and, when the server runs on
 * this machine and its pid is known, its resident set size from {@code /proc} and a full GC
 * through {@code jcmd} before reading the heap, so the heap figure is live data, not garbage, and
 * its CPU time, so a run can say what each delivery cost the server even on a machine it shares.
 */
public final class ServerProbe {
    private static final Logger LOG = LoggerFactory.getLogger(ServerProbe.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final long GC_TIMEOUT_SECONDS = 60;
    /** utime and stime in /proc/PID/stat, counted from the field after the command's closing parenthesis. */
    private static final int STAT_UTIME = 11;
    private static final int STAT_STIME = 12;
    /** Linux reports process times in USER_HZ ticks, 100 a second on every mainstream kernel. */
    private static final long NANOS_PER_TICK = 10_000_000;

    /** What one look saw; {@code heapBytes} or {@code rssBytes} is -1 when unknown. */
    public record Sample(long heapBytes, long rssBytes, boolean gcForced) {
    }

    private final URI metrics;
    private final OptionalLong pid;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    public ServerProbe(URI metrics, OptionalLong pid) {
        this.metrics = metrics;
        this.pid = pid;
    }

    /** {@code http://host:port/metrics} for {@code ws://host:port/...}. */
    public static URI metricsUriFor(URI webSocket) {
        return URI.create("http://" + webSocket.getHost() + ":" + (webSocket.getPort() < 0 ? 80 : webSocket.getPort())
                + "/metrics");
    }

    /** Looks now; forces a GC first when the pid is known. Blocking: not for event loops. */
    public Sample sample() {
        boolean gc = pid.isPresent() && forceGc(pid.getAsLong());
        return new Sample(heapBytes().orElse(-1L), pid.isPresent() ? rssBytes(pid.getAsLong()) : -1, gc);
    }

    private Optional<Long> heapBytes() {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(metrics).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return Optional.empty();
            }
            return PrometheusText.sum(response.body(), "jvm_memory_used_bytes", "area=\"heap\"");
        } catch (IOException e) {
            LOG.debug("no metrics at {}: {}", metrics, e.toString());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static boolean forceGc(long pid) {
        try {
            Process jcmd = new ProcessBuilder(jcmd(), Long.toString(pid), "GC.run")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return jcmd.waitFor(GC_TIMEOUT_SECONDS, TimeUnit.SECONDS) && jcmd.exitValue() == 0;
        } catch (IOException e) {
            LOG.warn("cannot run jcmd {} GC.run: {}", pid, e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String jcmd() {
        Path javaHome = Path.of(System.getProperty("java.home"));
        Path jcmd = javaHome.resolve("bin").resolve("jcmd");
        return Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd";
    }

    /**
     * CPU time the server has used so far (user + system), in nanoseconds, or -1 when its pid is
     * unknown. Read from {@code /proc/PID/stat}, in clock ticks of 10 ms.
     */
    public long serverCpuNanos() {
        if (pid.isEmpty()) {
            return -1;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid.getAsLong()), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[STAT_UTIME]) + Long.parseLong(fields[STAT_STIME]);
            return ticks * NANOS_PER_TICK;
        } catch (IOException | RuntimeException e) {
            LOG.debug("no CPU time for pid {}: {}", pid, e.toString());
            return -1;
        }
    }

    /** CPU time this harness process has used so far, in nanoseconds, or -1. */
    public static long harnessCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    /** VmRSS of {@code pid}, or -1. */
    static long rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring("VmRSS:".length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("no RSS for pid {}: {}", pid, e.toString());
        }
        return -1;
    }
}
