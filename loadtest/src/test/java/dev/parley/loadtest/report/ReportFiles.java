package dev.parley.loadtest.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.protocol.ParleyJson;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Reads and checks the files a run writes: JSON with the promised fields, self-contained well-formed HTML. */
public final class ReportFiles {
    /** The top-level fields the command line promises in {@code report.json}. */
    public static final List<String> REQUIRED_FIELDS = List.of("deliveriesPerSec", "p50Ms", "p99Ms", "p999Ms", "maxMs",
            "lost", "duplicated", "reordered", "errors");

    private ReportFiles() {
    }

    /** {@code report.json} of {@code dir}, checked for the required fields. */
    public static JsonNode json(Path dir) throws IOException {
        JsonNode report = ParleyJson.mapper().readTree(dir.resolve(ReportWriter.JSON).toFile());
        for (String field : REQUIRED_FIELDS) {
            assertThat(report.has(field)).as("report.json has " + field).isTrue();
            assertThat(report.get(field).isNumber()).as(field + " is a number").isTrue();
        }
        return report;
    }

    /** {@code report.html} of {@code dir}, parsed as XML (so it is well-formed) and checked to be self-contained. */
    public static Document html(Path dir) throws Exception {
        return html(Files.readString(dir.resolve(ReportWriter.HTML)));
    }

    public static Document html(String html) throws Exception {
        assertThat(html).doesNotContain("<script").doesNotContain("src=\"http").doesNotContain("href=\"http");
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        DocumentBuilder builder = factory.newDocumentBuilder();
        Document document = builder.parse(new java.io.ByteArrayInputStream(html.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(document.getDocumentElement().getLocalName()).isEqualTo("html");
        return document;
    }

    /** The {@code <svg>} charts of a report page. */
    public static NodeList charts(Document html) {
        return html.getElementsByTagNameNS("http://www.w3.org/2000/svg", "svg");
    }

    /** Every polyline of the page's charts has at least one point. */
    public static void assertChartsDrawn(Document html, int atLeast) {
        NodeList charts = charts(html);
        assertThat(charts.getLength()).isGreaterThanOrEqualTo(atLeast);
        NodeList lines = html.getElementsByTagNameNS("http://www.w3.org/2000/svg", "polyline");
        assertThat(lines.getLength()).isGreaterThanOrEqualTo(atLeast);
        for (int i = 0; i < lines.getLength(); i++) {
            assertThat(((Element) lines.item(i)).getAttribute("points")).matches("(\\d+\\.\\d,\\d+\\.\\d ?)+");
        }
    }
}
