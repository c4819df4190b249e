package dev.parley.loadtest.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a {@link Report} as one self-contained HTML page a person can read at a glance: the
 * verdict, the key numbers, the latency percentile distribution, throughput and p99 over time,
 * and the details (parameters, connections, server footprint, search steps, errors). Inline CSS
 * and SVG only; the markup is well-formed XML.
 */
public final class HtmlReport {
    private static final String STYLE = """
            body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:900px;\
            color:#1d2330;background:#fbfbfd}
            h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}
            .sub{color:#5b6475;font-size:13px;margin-bottom:16px}
            .verdict{display:inline-block;padding:3px 10px;border-radius:4px;font-weight:600;color:#fff}
            .pass{background:#2e8540}.fail{background:#c62828}
            .tiles{display:flex;flex-wrap:wrap;gap:10px;margin:16px 0}
            .tile{background:#fff;border:1px solid #e1e4ea;border-radius:6px;padding:10px 14px;min-width:120px}
            .tile .v{font-size:20px;font-weight:600}.tile .k{font-size:12px;color:#5b6475}
            .tile.bad .v{color:#c62828}
            table{border-collapse:collapse;font-size:13px;background:#fff}
            td,th{border:1px solid #e1e4ea;padding:4px 10px;text-align:left}th{background:#f1f3f7}
            td.n{text-align:right;font-variant-numeric:tabular-nums}
            .chart{background:#fff;border:1px solid #e1e4ea;border-radius:6px;margin:6px 0;max-width:100%;height:auto}
            .chart .grid{stroke:#eceef3}.chart .axis-line{stroke:#9aa3b2}
            .chart text{font-size:11px;fill:#5b6475}.chart .chart-title{font-size:13px;font-weight:600;fill:#1d2330}
            .chart .legend{font-size:12px;font-weight:600}
            .chart .marker{stroke:#b0b6c3;stroke-dasharray:4 3}.chart .marker-label{font-size:10px;fill:#8a93a5}
            ul.failures{color:#c62828}
            """;

    private HtmlReport() {
    }

    public static String render(Report r) {
        StringBuilder h = new StringBuilder(32_768);
        h.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head><meta charset=\"utf-8\"/>")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>")
                .append("<title>Parley load test: ").append(Html.escape(r.scenario())).append("</title>")
                .append("<style>").append(STYLE).append("</style></head><body>");
        h.append("<h1>").append(Html.escape(r.scenario())).append(" ")
                .append(r.passed() ? "<span class=\"verdict pass\">PASS</span>" : "<span class=\"verdict fail\">FAIL</span>")
                .append("</h1>");
        h.append("<div class=\"sub\">").append(Html.escape(r.url())).append(" · started ")
                .append(Html.escape(r.startedAt())).append(" · ").append(Html.escape(r.harness())).append("</div>");
        if (!r.failures().isEmpty()) {
            h.append("<ul class=\"failures\">");
            r.failures().forEach(f -> h.append("<li>").append(Html.escape(f)).append("</li>"));
            h.append("</ul>");
        }
        appendTiles(h, r);
        appendCharts(h, r);
        appendSearch(h, r.search());
        appendConnections(h, r.connections());
        appendReconnects(h, r);
        appendServer(h, r.server());
        appendCpu(h, r.cpu());
        h.append("<h2>Parameters</h2><table>");
        r.parameters().forEach((k, v) -> row(h, k, String.valueOf(v)));
        h.append("</table>");
        appendErrors(h, r.errorsByKind());
        return h.append("</body></html>\n").toString();
    }

    private static void appendTiles(StringBuilder h, Report r) {
        h.append("<div class=\"tiles\">");
        if (r.connections() != null) {
            tile(h, "sessions open", count(r.connections().opened()) + " / " + count(r.connections().requested()),
                    r.connections().failed() > 0);
        }
        if (r.latency().samples() > 0) {
            tile(h, "deliveries/s", count(Math.round(r.deliveriesPerSec())), false);
            tile(h, "p50", ms(r.latency().p50Ms()), false);
            tile(h, "p99", ms(r.latency().p99Ms()), false);
            tile(h, "p99.9", ms(r.latency().p999Ms()), false);
            tile(h, "max", ms(r.latency().maxMs()), false);
            if (r.ackLatency() != null) {
                tile(h, "ack p99", ms(r.ackLatency().p99Ms()), false);
                tile(h, "ack p99.9", ms(r.ackLatency().p999Ms()), false);
            }
            tile(h, "lost / dup / reordered", r.lost() + " / " + r.duplicated() + " / " + r.reordered(),
                    r.lost() + r.duplicated() + r.reordered() > 0);
        }
        if (r.reconnects() != null) {
            tile(h, "reconnects", count(r.reconnects().resumed()) + " / " + count(r.reconnects().lost()),
                    r.reconnects().gaveUp() > 0);
            tile(h, "time to resume p99", ms(r.reconnects().timeToResume().p99Ms()), false);
            tile(h, "not recovered", count(r.notRecovered()), r.notRecoveredSessions() > 0);
        }
        if (r.server() != null && r.server().heapBytesPerSession() >= 0) {
            tile(h, "server heap / session", bytes(r.server().heapBytesPerSession()), false);
        }
        if (r.server() != null && r.server().rssBytesPerSession() >= 0) {
            tile(h, "server RSS / session", bytes(r.server().rssBytesPerSession()), false);
        }
        if (r.cpu() != null && r.cpu().serverCpuMicrosPerDelivery() >= 0) {
            tile(h, "server CPU / delivery", String.format(Locale.ROOT, "%.2f µs", r.cpu().serverCpuMicrosPerDelivery()),
                    false);
        }
        if (r.search() != null) {
            tile(h, "sustainable deliveries/s", count(Math.round(r.search().highestSustainableDeliveriesPerSec())), false);
        }
        tile(h, "errors", count(r.errors()) + " (budget " + count(r.maxErrors()) + ")", r.errors() > r.maxErrors());
        h.append("</div>");
    }

    private static void appendCharts(StringBuilder h, Report r) {
        if (!r.latencyDistribution().isEmpty()) {
            List<double[]> points = new ArrayList<>();
            r.latencyDistribution().forEach(p -> points.add(new double[] {p.percentile(), p.ms()}));
            h.append("<h2>Latency by percentile</h2>").append(SvgChart.render(
                    "Latency from intended send time (measurement window)", "percentile", "ms",
                    SvgChart.XScale.PERCENTILE, List.of(new SvgChart.Series("latency", "#3366cc", points))));
        }
        if (r.timeline().isEmpty()) {
            return;
        }
        List<double[]> sent = new ArrayList<>();
        List<double[]> delivered = new ArrayList<>();
        List<double[]> events = new ArrayList<>();
        List<double[]> connections = new ArrayList<>();
        List<double[]> p99 = new ArrayList<>();
        for (TimelinePoint t : r.timeline()) {
            sent.add(new double[] {t.second(), t.sentPerSec()});
            delivered.add(new double[] {t.second(), t.deliveredPerSec()});
            events.add(new double[] {t.second(), t.eventsPerSec()});
            connections.add(new double[] {t.second(), t.connections()});
            p99.add(new double[] {t.second(), t.p99Ms()});
        }
        List<SvgChart.Marker> phases = phases(r.timeline());
        h.append("<h2>Over time</h2>").append(SvgChart.render("Throughput per second", "seconds", "per second",
                SvgChart.XScale.LINEAR, List.of(new SvgChart.Series("delivered/s", "#3366cc", delivered),
                        new SvgChart.Series("sent/s", "#dc7633", sent),
                        new SvgChart.Series("all events/s", "#9aa3b2", events)), phases));
        h.append(SvgChart.render("p99 latency per second (all messages, warm-up included)", "seconds", "ms",
                SvgChart.XScale.LINEAR, List.of(new SvgChart.Series("p99", "#8e44ad", p99)), phases));
        h.append(SvgChart.render("Open sessions", "seconds", "sessions", SvgChart.XScale.LINEAR,
                List.of(new SvgChart.Series("sessions", "#2e8540", connections)), phases));
    }

    /** A marker where each phase's first second ends (each point covers the second before it). */
    private static List<SvgChart.Marker> phases(List<TimelinePoint> timeline) {
        List<SvgChart.Marker> markers = new ArrayList<>();
        String current = null;
        long previous = 0;
        for (TimelinePoint t : timeline) {
            if (!t.phase().equals(current)) {
                current = t.phase();
                markers.add(new SvgChart.Marker(previous, current));
            }
            previous = t.second();
        }
        return markers;
    }

    private static void appendSearch(StringBuilder h, SearchResult search) {
        if (search == null) {
            return;
        }
        h.append("<h2>Deliveries search (p99 bound ").append(ms(search.p99BoundMs())).append(")</h2>");
        List<double[]> delivered = new ArrayList<>();
        List<double[]> p99 = new ArrayList<>();
        for (SearchStep s : search.steps()) {
            delivered.add(new double[] {s.offeredDeliveriesPerSec(), s.deliveriesPerSec()});
            p99.add(new double[] {s.offeredDeliveriesPerSec(), s.p99Ms()});
        }
        h.append(SvgChart.render("p99 by offered load", "offered deliveries per second", "ms", SvgChart.XScale.LINEAR,
                List.of(new SvgChart.Series("p99", "#8e44ad", p99))));
        h.append("<table><tr><th>rate per sender</th><th>offered deliveries/s</th><th>deliveries/s</th>"
                + "<th>p99</th><th>lost</th><th>verdict</th></tr>");
        for (SearchStep s : search.steps()) {
            h.append("<tr><td class=\"n\">").append(decimal(s.ratePerSender())).append("</td><td class=\"n\">")
                    .append(count(Math.round(s.offeredDeliveriesPerSec()))).append("</td><td class=\"n\">")
                    .append(count(Math.round(s.deliveriesPerSec()))).append("</td><td class=\"n\">").append(ms(s.p99Ms()))
                    .append("</td><td class=\"n\">").append(s.lost()).append("</td><td>")
                    .append(Html.escape(s.verdict())).append("</td></tr>");
        }
        h.append("</table>");
    }

    private static void appendConnections(StringBuilder h, ConnectionSummary c) {
        if (c == null) {
            return;
        }
        h.append("<h2>Connections</h2><table>");
        row(h, "requested", count(c.requested()));
        row(h, "opened", count(c.opened()));
        row(h, "failed", count(c.failed()));
        row(h, "opened per second", count(Math.round(c.openedPerSec())));
        row(h, "connect → welcome p50 / p99 / max", ms(c.connectTime().p50Ms()) + " / " + ms(c.connectTime().p99Ms())
                + " / " + ms(c.connectTime().maxMs()));
        c.failuresByCause().forEach((cause, n) -> row(h, "failed: " + cause, count(n)));
        h.append("</table>");
    }

    private static void appendReconnects(StringBuilder h, Report r) {
        ReconnectSummary c = r.reconnects();
        if (c == null && r.restarts() == null) {
            return;
        }
        h.append("<h2>Reconnects</h2><table>");
        if (r.restarts() != null) {
            r.restarts().forEach(n -> row(h, String.format(Locale.ROOT, "at %.1f s: %s", n.startedAtSeconds(), n.command()),
                    String.format(Locale.ROOT, "exit %d after %.1f s", n.exitCode(), n.seconds())));
        }
        if (c != null) {
            row(h, "connections lost (1001 or dropped)", count(c.lost()));
            row(h, "sessions resumed / gave up", count(c.resumed()) + " / " + count(c.gaveUp()));
            row(h, "attempts", count(c.attempts()));
            c.failedAttempts().forEach((cause, failed) -> row(h, "attempts failed: " + cause, count(failed)));
            row(h, "loss → resumed and re-joined p50 / p99 / max", ms(c.timeToResume().p50Ms()) + " / "
                    + ms(c.timeToResume().p99Ms()) + " / " + ms(c.timeToResume().maxMs()));
        }
        row(h, "messages not recovered (re-joins with recovered:false)", count(r.notRecovered()) + " ("
                + count(r.notRecoveredSessions()) + ")");
        row(h, "sends unconfirmed (connection lost before the answer)", count(r.unconfirmedSends()));
        Latency before = r.baselineLatency();
        if (before != null) {
            row(h, "latency before the restarts p50 / p99 / max", ms(before.p50Ms()) + " / " + ms(before.p99Ms())
                    + " / " + ms(before.maxMs()));
            row(h, "latency during the restarts p50 / p99 / max", ms(r.latency().p50Ms()) + " / "
                    + ms(r.latency().p99Ms()) + " / " + ms(r.latency().maxMs()));
        }
        h.append("</table>");
    }

    private static void appendServer(StringBuilder h, ServerFootprint s) {
        if (s == null) {
            return;
        }
        h.append("<h2>Server footprint</h2><table>");
        row(h, "sessions held", count(s.sessions()));
        row(h, "heap before / after", bytes(s.heapBeforeBytes()) + " / " + bytes(s.heapAfterBytes()));
        row(h, "heap per session", bytes(s.heapBytesPerSession()));
        row(h, "RSS before / after", bytes(s.rssBeforeBytes()) + " / " + bytes(s.rssAfterBytes()));
        row(h, "RSS per session", bytes(s.rssBytesPerSession()));
        row(h, "full GC before each look", s.gcForced() ? "yes (jcmd GC.run)" : "no");
        h.append("</table>");
    }

    private static void appendCpu(StringBuilder h, CpuUse cpu) {
        if (cpu == null) {
            return;
        }
        h.append("<h2>CPU during the measurement window</h2><table>");
        row(h, "server CPU", cpu.serverCpuSeconds() < 0 ? "unknown (no --server-pid)"
                : String.format(Locale.ROOT, "%.1f s (%.2f cores busy)", cpu.serverCpuSeconds(), cpu.serverCoresBusy()));
        row(h, "server CPU per delivery", cpu.serverCpuMicrosPerDelivery() < 0 ? "unknown"
                : String.format(Locale.ROOT, "%.2f µs", cpu.serverCpuMicrosPerDelivery()));
        row(h, "harness CPU", String.format(Locale.ROOT, "%.1f s", cpu.harnessCpuSeconds()));
        h.append("</table>");
    }

    private static void appendErrors(StringBuilder h, Map<String, Long> errors) {
        if (errors.isEmpty()) {
            return;
        }
        h.append("<h2>Errors</h2><table>");
        errors.forEach((kind, n) -> row(h, kind, count(n)));
        h.append("</table>");
    }

    private static void tile(StringBuilder h, String key, String value, boolean bad) {
        h.append("<div class=\"tile").append(bad ? " bad" : "").append("\"><div class=\"v\">").append(Html.escape(value))
                .append("</div><div class=\"k\">").append(Html.escape(key)).append("</div></div>");
    }

    private static void row(StringBuilder h, String key, String value) {
        h.append("<tr><th>").append(Html.escape(key)).append("</th><td>").append(Html.escape(value)).append("</td></tr>");
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    static String ms(double ms) {
        return String.format(Locale.ROOT, ms < 10 ? "%.2f ms" : "%.1f ms", ms);
    }

    static String decimal(double value) {
        return value == Math.rint(value) ? count((long) value) : String.format(Locale.ROOT, "%.2f", value);
    }

    static String bytes(long bytes) {
        if (bytes < 0) {
            return "unknown";
        }
        if (bytes < 10 * 1024) {
            return String.format(Locale.ROOT, "%,d B", bytes);
        }
        if (bytes < 10L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }
}
