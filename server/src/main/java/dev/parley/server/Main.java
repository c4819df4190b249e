package dev.parley.server;

import dev.parley.server.config.Settings;
import dev.parley.server.config.ServerConfig;
import dev.parley.server.store.DatabaseStartException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * {@code java -jar parley-server.jar [options]}: runs a server until SIGTERM or SIGINT, then stops
 * gracefully and exits 0. Every option falls back to an environment variable
 * ({@code --port} to {@code PARLEY_PORT}, and so on); a bad value exits 2 with a one-line error.
 */
@Command(name = "parley-server", versionProvider = Main.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Parley: a real-time WebSocket chat server. Serves the browser client at /, "
                + "the WebSocket at /ws, /healthz, /metrics and, with --api-key, the server API under /api/ "
                + "on one port.%n"
                + "Every option can also be set by the environment variable named after it.")
public final class Main implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line, its defaults from this process's environment. */
    static CommandLine commandLine() {
        return commandLine(System::getenv);
    }

    /**
     * The command line: an option for each of {@link ServerConfig}'s settings, its default from
     * {@code environment} (a variable's name to its value, or null) or else the declared one; one-line
     * errors for bad options.
     */
    static CommandLine commandLine(Function<String, String> environment) {
        CommandSpec spec = CommandSpec.forAnnotatedObject(new Main());
        Settings.addOptions(spec, ServerConfig.class);
        spec.mixinStandardHelpOptions(true); // after the settings, so that --help lists -h and -V last
        CommandLine commandLine = new CommandLine(spec);
        commandLine.setDefaultValueProvider(Settings.environment(environment));
        commandLine.setParameterExceptionHandler((e, args) -> {
            e.getCommandLine().getErr().println("parley-server: " + e.getMessage() + " (see --help)");
            return CommandLine.ExitCode.USAGE;
        });
        return commandLine;
    }

    @Override
    public Integer call() {
        ServerConfig config = config();
        ParleyServer server;
        try {
            server = ParleyServer.start(config);
        } catch (UncheckedIOException | IllegalArgumentException e) {
            LOG.error("{}", e.getCause() == null ? e.getMessage() : e.getMessage() + ": " + e.getCause());
            return 1;
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof DatabaseStartException database) {
                LOG.error("{}", database.getMessage());
                return 1;
            }
            LOG.error("cannot listen on {}:{} with transport {}{}: {}", config.host(), config.port(),
                    config.transport().name().toLowerCase(Locale.ROOT),
                    config.redisUri() == null ? "" : ", or cannot reach Redis", cause.toString());
            return 1;
        }
        for (String signal : List.of("TERM", "INT")) {
            Signal.handle(new Signal(signal), received -> server.stop());
        }
        if (config.security().tlsEnabled() || config.security().authEnabled()) {
            Signal.handle(new Signal("HUP"), received -> server.reload());
        }
        server.stopped().join();
        return CommandLine.ExitCode.OK;
    }

    /** The configuration the parsed options (and their environment variables) describe. */
    ServerConfig config() {
        try {
            return Settings.read(spec, ServerConfig.class);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    /** {@code --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"parley-server " + ParleyServer.VERSION};
        }
    }
}
