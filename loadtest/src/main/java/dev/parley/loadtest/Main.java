package dev.parley.loadtest;

import dev.parley.loadtest.cli.BroadcastCommand;
import dev.parley.loadtest.cli.ChurnCommand;
import dev.parley.loadtest.cli.ConnectCommand;
import dev.parley.loadtest.cli.RollingRestartCommand;
import dev.parley.loadtest.cli.RttCommand;
import dev.parley.loadtest.cli.SummaryCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar parley-loadtest.jar SCENARIO [options]}: the load-test harness for any server
 * that speaks the Parley protocol. Exit codes: 0 passed, 1 the run found lost, duplicated or
 * reordered deliveries or more errors than its budget, 2 bad options, 3 the run itself broke.
 */
@Command(name = "parley-loadtest", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        usageHelpAutoWidth = true,
        description = "Load-test harness for servers that speak the Parley protocol (PROTOCOL.md).",
        subcommands = {ConnectCommand.class, BroadcastCommand.class, ChurnCommand.class, RttCommand.class,
                RollingRestartCommand.class,
                SummaryCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:passed", "1:deliveries lost, duplicated or reordered, or errors over budget",
                "2:bad options", "3:the run itself broke"})
public final class Main {
    public static final int EXIT_PASSED = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_BROKEN = 3;
    public static final String VERSION = versionOf(Main.class);

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code. */
    public static int run(String... args) {
        CommandLine commandLine = new CommandLine(Main.class);
        commandLine.setParameterExceptionHandler((e, ignored) -> {
            e.getCommandLine().getErr().println("parley-loadtest: " + e.getMessage() + " (see --help)");
            return EXIT_USAGE;
        });
        commandLine.setExecutionExceptionHandler((e, cl, ignored) -> {
            cl.getErr().println("parley-loadtest: " + e);
            return EXIT_BROKEN;
        });
        return commandLine.execute(args);
    }

    private static String versionOf(Class<?> type) {
        String version = type.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    /** {@code --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"parley-loadtest " + VERSION};
        }
    }
}
