package dev.parley.client.cli;

import org.jline.utils.AttributedString;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** A {@link Console} on plain streams: no prompt, no colour, one line in, one line out. For pipes and files. */
final class PlainConsole implements Console {
    private final BufferedReader in;
    private final PrintStream out;

    PlainConsole(InputStream in, PrintStream out) {
        this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        this.out = out;
    }

    @Override
    public String readLine(String prompt) {
        try {
            return in.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void print(AttributedString line) {
        synchronized (out) {
            out.println(line.toString());
            out.flush();
        }
    }

    @Override
    public boolean styled() {
        return false;
    }

    @Override
    public void close() {
        out.flush();
    }
}
