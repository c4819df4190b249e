package dev.parley.loadtest.scenario;

import dev.parley.loadtest.run.Waits;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How several harness processes start sending together: each writes {@code readyFile} once its
 * sessions have joined and settled, then waits for {@code goFile}, which whoever runs them creates
 * when every process is ready (and it has looked at the servers while they hold idle sessions).
 */
public record StartSignal(Path readyFile, Path goFile) {
    /**
     * Writes the ready file (the sessions that joined, and the fill's seconds), then waits at most
     * {@code timeoutMs} for the go file; whether it came.
     */
    boolean readyThenAwaitGo(RunContext ctx, int members, double fillSeconds, long timeoutMs) {
        try {
            Files.writeString(readyFile, String.format(Locale.ROOT, "members %d%nfillSeconds %.3f%n", members,
                    fillSeconds));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the ready file " + readyFile, e);
        }
        ctx.progress().phase("ready");
        ctx.out().println("-- ready (" + readyFile + "); waiting for " + goFile);
        return Waits.await(() -> Files.exists(goFile), timeoutMs);
    }
}
