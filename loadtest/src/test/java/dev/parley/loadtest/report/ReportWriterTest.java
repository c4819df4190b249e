package dev.parley.loadtest.report;

import com.fasterxml.jackson.databind.JsonNode;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ReportWriterTest {
    @TempDir
    Path dir;

    private static Report report(long lost, long errors, long budget) {
        Histogram micros = new Histogram(3);
        for (int i = 1; i <= 1000; i++) {
            micros.recordValue(i * 100L);
        }
        return Report.builder("broadcast")
                .run("ws://127.0.0.1:1/ws", "2026-01-01T00:00:00Z", "parley-loadtest test")
                .parameter("clients", 10).parameter("note", "<b>&\"quoted\"</b>")
                .connections(new ConnectionSummary(10, 9, 1, Map.of("refused", 1L), Latency.ofMicros(micros), 100))
                .traffic(100, 100, 1000, 1000)
                .window(2, 50, 500, 250, CpuUse.of(2, 1_000_000_000, 2_000_000_000, 500))
                .latency(Latency.ofMicros(micros), PercentilePoint.distribution(micros))
                .ackLatency(Latency.ofMicros(micros))
                .deliveryFaults(lost, 0, 0)
                .server(ServerFootprint.between(9, 1_000_000, 1_090_000, 10_000_000, 11_000_000, true))
                .search(new SearchResult(50, 250, 4, List.of(new SearchStep(4, 250, 250, 10, 0, true, "sustainable"),
                        new SearchStep(6, 375, 300, 80, 0, false, "p99 over bound"))))
                .timeline(List.of(new TimelinePoint(1, "warmup", 9, 25, 250, 300, 12.5, 0),
                        new TimelinePoint(2, "measure", 9, 25, 250, 300, 9.5, 0)))
                .errors(errors == 0 ? Map.of() : Map.of("error reply: rate_limited", errors), budget)
                .build();
    }

    @Test
    void writesJsonWithThePromisedFieldsAndAWellFormedSelfContainedPage() throws Exception {
        ReportWriter.write(report(0, 0, 0), dir);

        JsonNode json = ReportFiles.json(dir);
        assertThat(json.get("deliveriesPerSec").asDouble()).isEqualTo(250);
        assertThat(json.get("sentPerSec").asDouble()).isEqualTo(25);
        assertThat(json.get("p50Ms").asDouble()).isBetween(49.9, 50.1);
        assertThat(json.get("maxMs").asDouble()).isBetween(99.9, 100.1);
        assertThat(json.get("passed").asBoolean()).isTrue();
        assertThat(json.at("/server/heapBytesPerSession").asLong()).isEqualTo(10_000);
        assertThat(json.at("/search/steps").size()).isEqualTo(2);
        assertThat(json.at("/cpu/serverCpuMicrosPerDelivery").asDouble()).isEqualTo(2000);
        assertThat(json.at("/cpu/serverCoresBusy").asDouble()).isEqualTo(0.5);
        assertThat(json.get("latencyDistribution").size()).isGreaterThan(10);
        assertThat(json.at("/ackLatency/p99Ms").asDouble()).isBetween(98.9, 99.1);
        assertThat(json.at("/ackLatency/samples").asLong()).isEqualTo(1000);

        Document html = ReportFiles.html(dir);
        ReportFiles.assertChartsDrawn(html, 4);
        String page = Files.readString(dir.resolve(ReportWriter.HTML));
        assertThat(page).contains("PASS").contains("&lt;b&gt;&amp;&quot;quoted&quot;&lt;/b&gt;").contains("10,000 B");
        assertThat(Files.readString(dir.resolve(ReportWriter.TEXT))).contains("PASS").contains("p99 ");
    }

    @Test
    void failsOnLostDeliveriesAndOnErrorsOverBudget() {
        assertThat(report(0, 3, 3).passed()).isTrue();
        Report lost = report(2, 0, 0);
        assertThat(lost.passed()).isFalse();
        assertThat(lost.failures()).containsExactly("2 deliveries lost");
        Report overBudget = report(0, 4, 3);
        assertThat(overBudget.passed()).isFalse();
        assertThat(overBudget.failures()).containsExactly("4 errors, over the budget of 3");
    }

    @Test
    void aReportWithoutTrafficStillRenders() throws Exception {
        Report empty = Report.builder("connect").run("ws://h:1/ws", "now", "test").errors(Map.of(), 0).build();
        ReportWriter.write(empty, dir);
        assertThat(ReportFiles.json(dir).get("samples").asLong()).isZero();
        assertThat(ReportFiles.json(dir).has("ackLatency")).as("no send was timed").isFalse();
        assertThat(ReportFiles.charts(ReportFiles.html(dir)).getLength()).isZero();
    }
}
