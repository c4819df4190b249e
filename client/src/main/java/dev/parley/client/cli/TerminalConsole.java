package dev.parley.client.cli;

import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.utils.AttributedString;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A {@link Console} on a JLine terminal: line editing and history while typing, and lines from
 * the network printed above the prompt without breaking what is being typed. Colour is dropped
 * when asked, or by JLine itself on a terminal that cannot show it.
 */
final class TerminalConsole implements Console {
    private final Terminal terminal;
    private final LineReader reader;
    private final boolean colour;

    TerminalConsole(Terminal terminal, boolean colour) {
        this.terminal = terminal;
        this.reader = LineReaderBuilder.builder().terminal(terminal).appName("parley").build();
        this.colour = colour;
    }

    @Override
    public String readLine(String prompt) {
        try {
            return reader.readLine(prompt);
        } catch (UserInterruptException | EndOfFileException e) {
            return null;
        }
    }

    @Override
    public void print(AttributedString line) {
        if (colour) {
            reader.printAbove(line);
        } else {
            reader.printAbove(line.toString());
        }
    }

    @Override
    public boolean styled() {
        return colour;
    }

    @Override
    public void close() {
        try {
            terminal.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
