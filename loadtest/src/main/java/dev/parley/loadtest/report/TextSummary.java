package dev.parley.loadtest.report;

import java.util.Locale;

/** The end-of-run summary printed to the terminal (and saved as {@code summary.txt}). */
public final class TextSummary {
    private TextSummary() {
    }

    public static String render(Report r) {
        StringBuilder t = new StringBuilder(1024);
        t.append("== ").append(r.scenario()).append(" against ").append(r.url()).append(": ")
                .append(r.passed() ? "PASS" : "FAIL").append('\n');
        ConnectionSummary c = r.connections();
        if (c != null) {
            line(t, "sessions", HtmlReport.count(c.opened()) + " of " + HtmlReport.count(c.requested()) + " opened ("
                    + HtmlReport.count(c.failed()) + " failed), " + HtmlReport.count(Math.round(c.openedPerSec())) + "/s");
            line(t, "connect → welcome", "p50 " + HtmlReport.ms(c.connectTime().p50Ms()) + ", p99 "
                    + HtmlReport.ms(c.connectTime().p99Ms()) + ", max " + HtmlReport.ms(c.connectTime().maxMs()));
            c.failuresByCause().forEach((cause, n) -> line(t, "  failed: " + cause, HtmlReport.count(n)));
        }
        if (r.sent() > 0 || r.delivered() > 0) {
            line(t, "sent / acked / delivered", HtmlReport.count(r.sent()) + " / " + HtmlReport.count(r.acked()) + " / "
                    + HtmlReport.count(r.delivered()) + " (expected " + HtmlReport.count(r.expectedDeliveries()) + ")");
            line(t, "measured", String.format(Locale.ROOT, "%.1f s: %s sent/s, %s deliveries/s (offered %s/s)",
                    r.measuredSeconds(), HtmlReport.count(Math.round(r.sentPerSec())),
                    HtmlReport.count(Math.round(r.deliveriesPerSec())),
                    HtmlReport.count(Math.round(r.offeredDeliveriesPerSec()))));
            Latency l = r.latency();
            line(t, "latency", "p50 " + HtmlReport.ms(l.p50Ms()) + ", p90 " + HtmlReport.ms(l.p90Ms()) + ", p99 "
                    + HtmlReport.ms(l.p99Ms()) + ", p99.9 " + HtmlReport.ms(l.p999Ms()) + ", max "
                    + HtmlReport.ms(l.maxMs()) + " (" + HtmlReport.count(l.samples()) + " samples)");
            Latency ack = r.ackLatency();
            if (ack != null) {
                line(t, "send → ack", "p50 " + HtmlReport.ms(ack.p50Ms()) + ", p90 " + HtmlReport.ms(ack.p90Ms())
                        + ", p99 " + HtmlReport.ms(ack.p99Ms()) + ", p99.9 " + HtmlReport.ms(ack.p999Ms()) + ", max "
                        + HtmlReport.ms(ack.maxMs()) + " (" + HtmlReport.count(ack.samples()) + " samples)");
            }
            line(t, "lost / duplicated / reordered", r.lost() + " / " + r.duplicated() + " / " + r.reordered());
        }
        ReconnectSummary reconnects = r.reconnects();
        if (reconnects != null) {
            line(t, "reconnects", HtmlReport.count(reconnects.lost()) + " lost, " + HtmlReport.count(reconnects.resumed())
                    + " resumed, " + HtmlReport.count(reconnects.gaveUp()) + " gave up, "
                    + HtmlReport.count(reconnects.attempts()) + " attempts");
            Latency resume = reconnects.timeToResume();
            line(t, "loss → resumed", "p50 " + HtmlReport.ms(resume.p50Ms()) + ", p99 " + HtmlReport.ms(resume.p99Ms())
                    + ", max " + HtmlReport.ms(resume.maxMs()));
            reconnects.failedAttempts().forEach((cause, count) -> line(t, "  attempt failed: " + cause,
                    HtmlReport.count(count)));
        }
        if (reconnects != null || r.notRecovered() > 0) {
            line(t, "not recovered / unconfirmed", r.notRecovered() + " messages in " + r.notRecoveredSessions()
                    + " re-joins / " + r.unconfirmedSends() + " sends");
        }
        if (r.restarts() != null) {
            r.restarts().forEach(n -> line(t, String.format(Locale.ROOT, "  restart at %.1f s", n.startedAtSeconds()),
                    String.format(Locale.ROOT, "%s: exit %d after %.1f s", n.command(), n.exitCode(), n.seconds())));
        }
        Latency before = r.baselineLatency();
        if (before != null) {
            line(t, "latency before restarts", "p50 " + HtmlReport.ms(before.p50Ms()) + ", p99 "
                    + HtmlReport.ms(before.p99Ms()) + ", max " + HtmlReport.ms(before.maxMs()));
        }
        ServerFootprint s = r.server();
        if (s != null) {
            line(t, "server heap", HtmlReport.bytes(s.heapBeforeBytes()) + " → " + HtmlReport.bytes(s.heapAfterBytes())
                    + " = " + HtmlReport.bytes(s.heapBytesPerSession()) + " per session"
                    + (s.gcForced() ? " (after full GC)" : " (no forced GC)"));
            line(t, "server RSS", HtmlReport.bytes(s.rssBeforeBytes()) + " → " + HtmlReport.bytes(s.rssAfterBytes())
                    + " = " + HtmlReport.bytes(s.rssBytesPerSession()) + " per session");
        }
        CpuUse cpu = r.cpu();
        if (cpu != null) {
            line(t, "CPU in window", (cpu.serverCpuSeconds() < 0 ? "server unknown"
                    : String.format(Locale.ROOT, "server %.1f s (%.2f cores, %.2f µs per delivery)",
                    cpu.serverCpuSeconds(), cpu.serverCoresBusy(), cpu.serverCpuMicrosPerDelivery()))
                    + String.format(Locale.ROOT, ", harness %.1f s", cpu.harnessCpuSeconds()));
        }
        SearchResult search = r.search();
        if (search != null) {
            for (SearchStep step : search.steps()) {
                line(t, "  step " + HtmlReport.decimal(step.ratePerSender()) + "/s per sender",
                        HtmlReport.count(Math.round(step.deliveriesPerSec())) + " deliveries/s, p99 "
                                + HtmlReport.ms(step.p99Ms()) + ": " + step.verdict());
            }
            line(t, "sustainable deliveries/s", HtmlReport.count(Math.round(search.highestSustainableDeliveriesPerSec()))
                    + " at p99 ≤ " + HtmlReport.ms(search.p99BoundMs()));
        }
        line(t, "errors", HtmlReport.count(r.errors()) + " (budget " + HtmlReport.count(r.maxErrors()) + ")");
        r.errorsByKind().forEach((kind, n) -> line(t, "  " + kind, HtmlReport.count(n)));
        r.failures().forEach(f -> line(t, "FAILED", f));
        return t.toString();
    }

    private static void line(StringBuilder t, String key, String value) {
        t.append(String.format(Locale.ROOT, "%-30s %s%n", key, value));
    }
}
