package dev.parley.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.loadtest.report.ReportFiles;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the harness's command line in this JVM, as a user would, and reads what it wrote. */
final class Runs {
    /** A finished run: its exit code and its report.json. */
    record Run(int exitCode, JsonNode report, Path dir) {
    }

    private Runs() {
    }

    /** Runs {@code scenario} against {@code url} with {@code options}, reporting into {@code dir}; checks both files. */
    static Run run(Path dir, String scenario, URI url, String... options) throws Exception {
        return run(dir, scenario, url.toString(), options);
    }

    /** Runs {@code scenario} against {@code urls} (comma-separated), as {@link #run(Path, String, URI, String...)}. */
    static Run run(Path dir, String scenario, String urls, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of(scenario, "--url", urls, "--report", dir.toString(),
                "--drain-timeout", "10"));
        args.addAll(List.of(options));
        int exit = Main.run(args.toArray(String[]::new));
        JsonNode report = ReportFiles.json(dir);
        ReportFiles.assertChartsDrawn(ReportFiles.html(dir), report.get("samples").asLong() > 0 ? 3 : 0);
        return new Run(exit, report, dir);
    }
}
