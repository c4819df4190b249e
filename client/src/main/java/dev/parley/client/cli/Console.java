package dev.parley.client.cli;

import org.jline.utils.AttributedString;

/**
 * Where the interactive client reads lines and prints: a terminal with line editing and colour
 * ({@link TerminalConsole}), or plain streams when input or output is not a terminal
 * ({@link PlainConsole}). {@link #print} may be called from any thread, also while
 * {@link #readLine} waits.
 */
interface Console extends AutoCloseable {

    /** The next line typed, or {@code null} at the end of input (Ctrl-D, Ctrl-C, or the end of a pipe). */
    String readLine(String prompt);

    /** Prints one line; colour shows only where the console supports it. */
    void print(AttributedString line);

    /** Whether styles (colour, bold, inverse) show; where they do not, marks must be spelt out. */
    boolean styled();

    @Override
    void close();
}
