package dev.parley.client.cli;

import dev.parley.client.ClientOptions;
import dev.parley.client.ParleyClient;
import dev.parley.client.ReconnectPolicy;
import dev.parley.client.WhileReconnecting;
import org.jline.terminal.Terminal;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * The terminal client's command line: chat interactively (the default), send one message
 * ({@code --send}), or print every event as JSON lines ({@code --listen}). The streams and the
 * terminal are given, so that tests drive it in-process exactly as {@link Main} does.
 */
@Command(name = "parley-client", mixinStandardHelpOptions = true, versionProvider = ChatCommand.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Chat on a Parley server from a terminal, or send and listen from scripts.",
                "Interactive commands: /join /leave /msg /who /rooms /history /reply /edit /delete /react /unreact",
                "/offsets /read /unread /help /quit."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done (or --send acknowledged)", "1:the server refused a request; its error code is printed",
                "2:bad command line", "3:no connection, connection lost, or no reply in time"})
public final class ChatCommand implements Callable<Integer> {

    /** Opens the terminal for the interactive mode, or returns {@code null} to use plain streams. */
    @FunctionalInterface
    public interface TerminalSource {
        Terminal open() throws IOException;
    }

    @Option(names = "--url", defaultValue = "ws://localhost:8080/ws", paramLabel = "URL",
            description = "WebSocket URL of the server (default: ${DEFAULT-VALUE})")
    private URI url;

    @Option(names = {"-n", "--nick"}, required = true, paramLabel = "NICK", description = "Your nick: 1-32 letters, digits, '_', '-', '.'")
    private String nick;

    @Option(names = {"-r", "--room"}, paramLabel = "ROOM",
            description = "Room to join; repeat for several (default: general). Typed lines and --send go to the first.")
    private List<String> rooms = new ArrayList<>();

    @Option(names = "--token", defaultValue = "${env:PARLEY_TOKEN:-}", paramLabel = "JWT",
            description = "JWT for servers that require one (PARLEY_TOKEN)")
    private String token;

    @Option(names = "--token-file", defaultValue = "${env:PARLEY_TOKEN_FILE:-}", paramLabel = "FILE",
            description = "File holding the JWT, read again for every connection and refresh, so that "
                    + "another program can renew it (PARLEY_TOKEN_FILE)")
    private String tokenFile;

    @Option(names = "--timeout", defaultValue = "10", paramLabel = "SECONDS",
            description = "How long to wait for the connection and for each reply (default: ${DEFAULT-VALUE})")
    private int timeoutSeconds;

    @Option(names = "--no-color", description = "Plain output even on a colour terminal (so does NO_COLOR)")
    private boolean noColor;

    @ArgGroup(exclusive = true)
    private Mode mode = new Mode();

    static final class Mode {
        @Option(names = "--send", paramLabel = "TEXT",
                description = "Send TEXT to the room, exit 0 once acknowledged (1 with the error code if refused)")
        String send;

        @Option(names = "--listen", description = "Print every event as one JSON line on stdout until killed")
        boolean listen;
    }

    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private final TerminalSource terminals;

    ChatCommand(InputStream in, PrintStream out, PrintStream err, TerminalSource terminals) {
        this.in = in;
        this.out = out;
        this.err = err;
        this.terminals = terminals;
    }

    /** Runs the command line and returns the exit code. */
    public static int execute(String[] args, InputStream in, PrintStream out, PrintStream err, TerminalSource terminals) {
        CommandLine commandLine = new CommandLine(new ChatCommand(in, out, err, terminals));
        commandLine.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        commandLine.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        return commandLine.execute(args);
    }

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!("ws".equalsIgnoreCase(url.getScheme()) || "wss".equalsIgnoreCase(url.getScheme())) || url.getHost() == null) {
            throw new ParameterException(spec.commandLine(), "--url must be a ws:// or wss:// URL, such as ws://localhost:8080/ws");
        }
        if (rooms.isEmpty()) {
            rooms.add("general");
        }
        if (mode.send != null) {
            return send(mode.send);
        }
        if (mode.listen) {
            return listen();
        }
        return chat();
    }

    private ClientOptions.Builder options() {
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        return ClientOptions.builder(nick).tokenSupplier(tokens()).requestTimeout(timeout).connectTimeout(timeout);
    }

    /** The token source: the file when given (read on every call), else the fixed token, else none. */
    private Supplier<String> tokens() {
        if (tokenFile != null && !tokenFile.isBlank()) {
            Path file = Path.of(tokenFile);
            return () -> {
                try {
                    return Files.readString(file).strip();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the token file " + file, e);
                }
            };
        }
        String fixed = token == null || token.isBlank() ? null : token.strip();
        return () -> fixed;
    }

    /** {@code --send}: join the first room, send, wait for the ack. No reconnecting: one try. */
    private int send(String text) {
        String room = rooms.get(0);
        ClientOptions options = options().reconnect(ReconnectPolicy.DISABLED)
                .whileReconnecting(WhileReconnecting.FAIL).build();
        try (ParleyClient client = ParleyClient.connect(url, options).join()) {
            client.join(room).thenCompose(joined -> client.send(room, text)).join();
            return 0;
        } catch (CompletionException e) {
            return fail(e);
        }
    }

    /** {@code --listen}: join every room and print events until the client closes for good or the thread is interrupted. */
    private int listen() {
        JsonLines lines = new JsonLines(out);
        ParleyClient client;
        try {
            client = ParleyClient.connect(url, options().listener(lines).build()).join();
        } catch (CompletionException e) {
            return fail(e);
        }
        try (client) {
            for (String room : rooms) {
                client.join(room).join();
            }
            Throwable cause = lines.closed.get();
            return cause == null ? 0 : fail(cause);
        } catch (CompletionException | ExecutionException e) {
            return fail(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** The interactive chat, on the terminal when there is one. */
    private int chat() throws IOException {
        Terminal terminal = terminals.open();
        boolean colour = !noColor && System.getenv("NO_COLOR") == null;
        try (Console console = terminal == null ? new PlainConsole(in, out) : new TerminalConsole(terminal, colour)) {
            return new ChatShell(console, nick, Duration.ofSeconds(timeoutSeconds)).run(url, options(), rooms);
        }
    }

    private int fail(Throwable failure) {
        err.println("parley-client: " + Failures.describe(failure));
        return Failures.exitCode(failure);
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = ChatCommand.class.getPackage().getImplementationVersion();
            return new String[] {"parley-client " + (version == null ? "dev" : version)};
        }
    }
}
