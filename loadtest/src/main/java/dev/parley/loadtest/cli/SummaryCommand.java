package dev.parley.loadtest.cli;

import dev.parley.loadtest.report.BenchmarkIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code summary DIR}: see {@link BenchmarkIndex}. */
@Command(name = "summary", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Index a benchmark run: read DIR/*/report.json, write DIR/index.html and DIR/summary.md, "
                + "print the Markdown table.")
public final class SummaryCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "A directory whose subdirectories hold reports.")
    Path directory;

    @Override
    public Integer call() throws Exception {
        System.out.print(BenchmarkIndex.write(directory));
        System.out.println("index: " + directory.resolve(BenchmarkIndex.HTML).toAbsolutePath());
        return ExitCodes.PASSED;
    }
}
