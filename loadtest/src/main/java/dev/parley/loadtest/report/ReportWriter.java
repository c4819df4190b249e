package dev.parley.loadtest.report;

import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.parley.protocol.ParleyJson;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a report's files into one directory: {@code report.json}, {@code report.html}, {@code summary.txt}. */
public final class ReportWriter {
    public static final String JSON = "report.json";
    public static final String HTML = "report.html";
    public static final String TEXT = "summary.txt";
    private static final ObjectWriter JSON_WRITER = ParleyJson.mapper().copy()
            .enable(SerializationFeature.INDENT_OUTPUT).writer();

    private ReportWriter() {
    }

    public static void write(Report report, Path directory) throws IOException {
        Files.createDirectories(directory);
        Files.writeString(directory.resolve(JSON), JSON_WRITER.writeValueAsString(report) + "\n", StandardCharsets.UTF_8);
        Files.writeString(directory.resolve(HTML), HtmlReport.render(report), StandardCharsets.UTF_8);
        Files.writeString(directory.resolve(TEXT), TextSummary.render(report), StandardCharsets.UTF_8);
    }
}
