package dev.parley.loadtest.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.protocol.ParleyJson;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The front page of a benchmark run: one row per report found in the run's subdirectories, as
 * {@code index.html} (linking to each report) and {@code summary.md} (the table that goes into
 * {@code docs/benchmarks.md}). An {@code environment.txt} beside them is shown on the page.
 */
public final class BenchmarkIndex {
    public static final String HTML = "index.html";
    public static final String MARKDOWN = "summary.md";
    private static final String ENVIRONMENT = "environment.txt";
    private static final List<String> COLUMNS = List.of("run", "verdict", "sessions", "deliveries/s", "p50", "p99",
            "p99.9", "max", "ack p99", "lost/dup/reord", "resumed/lost conns", "resume p99", "not recovered", "errors", "heap/session", "RSS/session", "server CPU/delivery", "sustainable deliveries/s");

    private BenchmarkIndex() {
    }

    /** Writes the index of {@code runDirectory}; returns the Markdown table. */
    public static String write(Path runDirectory) throws IOException {
        List<List<String>> rows = new ArrayList<>();
        List<String> links = new ArrayList<>();
        try (Stream<Path> children = Files.list(runDirectory)) {
            for (Path dir : children.filter(Files::isDirectory).sorted().toList()) {
                Path json = dir.resolve(ReportWriter.JSON);
                if (Files.isRegularFile(json)) {
                    rows.add(row(dir.getFileName().toString(), ParleyJson.mapper().readTree(json.toFile())));
                    links.add(dir.getFileName() + "/" + ReportWriter.HTML);
                }
            }
        }
        String markdown = markdown(rows);
        Path environment = runDirectory.resolve(ENVIRONMENT);
        String env = Files.isRegularFile(environment) ? Files.readString(environment) : "";
        Files.writeString(runDirectory.resolve(MARKDOWN), markdown, StandardCharsets.UTF_8);
        Files.writeString(runDirectory.resolve(HTML), html(runDirectory.getFileName().toString(), rows, links, env),
                StandardCharsets.UTF_8);
        return markdown;
    }

    private static List<String> row(String name, JsonNode r) {
        JsonNode connections = r.path("connections");
        JsonNode server = r.path("server");
        JsonNode search = r.path("search");
        JsonNode reconnects = r.path("reconnects");
        boolean traffic = r.path("samples").asLong() > 0;
        return List.of(
                name + " (" + r.path("scenario").asText() + ")",
                r.path("passed").asBoolean() ? "PASS" : "FAIL",
                connections.isMissingNode() ? "" : HtmlReport.count(connections.path("opened").asLong()),
                traffic ? HtmlReport.count(Math.round(r.path("deliveriesPerSec").asDouble())) : "",
                traffic ? HtmlReport.ms(r.path("p50Ms").asDouble()) : "",
                traffic ? HtmlReport.ms(r.path("p99Ms").asDouble()) : "",
                traffic ? HtmlReport.ms(r.path("p999Ms").asDouble()) : "",
                traffic ? HtmlReport.ms(r.path("maxMs").asDouble()) : "",
                r.at("/ackLatency/p99Ms").isMissingNode() ? "" : HtmlReport.ms(r.at("/ackLatency/p99Ms").asDouble()),
                traffic ? r.path("lost").asLong() + "/" + r.path("duplicated").asLong() + "/" + r.path("reordered").asLong() : "",
                reconnects.isMissingNode() ? "" : HtmlReport.count(reconnects.path("resumed").asLong()) + "/"
                        + HtmlReport.count(reconnects.path("lost").asLong()),
                reconnects.isMissingNode() ? "" : HtmlReport.ms(reconnects.at("/timeToResume/p99Ms").asDouble()),
                reconnects.isMissingNode() ? "" : HtmlReport.count(r.path("notRecovered").asLong()),
                HtmlReport.count(r.path("errors").asLong()),
                server.isMissingNode() ? "" : HtmlReport.bytes(server.path("heapBytesPerSession").asLong(-1)),
                server.isMissingNode() ? "" : HtmlReport.bytes(server.path("rssBytesPerSession").asLong(-1)),
                r.at("/cpu/serverCpuMicrosPerDelivery").asDouble(-1) < 0 ? ""
                        : String.format(Locale.ROOT, "%.2f µs", r.at("/cpu/serverCpuMicrosPerDelivery").asDouble()),
                search.isMissingNode() ? "" : HtmlReport.count(Math.round(
                        search.path("highestSustainableDeliveriesPerSec").asDouble())));
    }

    private static String markdown(List<List<String>> rows) {
        StringBuilder md = new StringBuilder();
        md.append("| ").append(String.join(" | ", COLUMNS)).append(" |\n|");
        COLUMNS.forEach(c -> md.append("---|"));
        md.append('\n');
        for (List<String> row : rows) {
            md.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        return md.toString();
    }

    private static String html(String title, List<List<String>> rows, List<String> links, String environment) {
        StringBuilder h = new StringBuilder(8192);
        h.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head><meta charset=\"utf-8\"/>")
                .append("<title>Parley benchmarks ").append(Html.escape(title)).append("</title><style>")
                .append("body{font-family:system-ui,sans-serif;margin:24px;color:#1d2330}")
                .append("table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #e1e4ea;padding:4px 8px}")
                .append("td.n{white-space:nowrap;text-align:right}")
                .append("th{background:#f1f3f7}.PASS{color:#2e8540;font-weight:600}.FAIL{color:#c62828;font-weight:600}")
                .append("pre{background:#f6f7f9;padding:10px;font-size:12px}</style></head><body>")
                .append("<h1>Parley benchmarks ").append(Html.escape(title)).append("</h1><table><tr>");
        COLUMNS.forEach(c -> h.append("<th>").append(Html.escape(c)).append("</th>"));
        h.append("</tr>");
        for (int i = 0; i < rows.size(); i++) {
            List<String> row = rows.get(i);
            h.append("<tr><td><a href=\"").append(Html.escape(links.get(i))).append("\">").append(Html.escape(row.get(0)))
                    .append("</a></td>");
            for (int c = 1; c < row.size(); c++) {
                h.append(String.format(Locale.ROOT, "<td class=\"%s\">", c == 1 ? row.get(c) : "n"))
                        .append(Html.escape(row.get(c))).append("</td>");
            }
            h.append("</tr>");
        }
        h.append("</table>");
        if (!environment.isBlank()) {
            h.append("<h2>Environment</h2><pre>").append(Html.escape(environment)).append("</pre>");
        }
        return h.append("</body></html>\n").toString();
    }
}
