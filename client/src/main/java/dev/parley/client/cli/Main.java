package dev.parley.client.cli;

import org.jline.terminal.TerminalBuilder;

/**
 * The entry point of {@code parley-client.jar}: the terminal chat client, see {@link ChatCommand}.
 * The interactive mode uses the system terminal when both stdin and stdout are one, plain streams
 * otherwise. Logging goes to stderr at WARN unless {@code -Dlogback.configurationFile} says otherwise.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "parley-client-logback.xml");
        }
        System.exit(ChatCommand.execute(args, System.in, System.out, System.err,
                () -> System.console() == null ? null : TerminalBuilder.builder().system(true).build()));
    }
}
