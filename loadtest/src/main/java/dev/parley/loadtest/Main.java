package dev.parley.loadtest;

import dev.parley.loadtest.cli.BroadcastCommand;
import dev.parley.loadtest.cli.ChurnCommand;
import dev.parley.loadtest.cli.ConnectCommand;
import dev.parley.loadtest.cli.ExitCodes;
import dev.parley.loadtest.cli.RollingRestartCommand;
import dev.parley.loadtest.cli.RttCommand;
import dev.parley.loadtest.cli.SummaryCommand;
import dev.parley.loadtest.cli.VersionProvider;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar parley-loadtest.jar SCENARIO [options]}: the load-test harness for any server
 * that speaks the Parley protocol. Exit codes: 0 passed, 1 the run found lost, duplicated or
 * reordered deliveries or more errors than its budget, 2 bad options, 3 the run itself broke.
 */
@Command(name = "parley-loadtest", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        usageHelpAutoWidth = true,
        description = "Load-test harness for servers that speak the Parley protocol (PROTOCOL.md).",
        subcommands = {ConnectCommand.class, BroadcastCommand.class, ChurnCommand.class, RttCommand.class,
                RollingRestartCommand.class,
                SummaryCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:passed", "1:deliveries lost, duplicated or reordered, or errors over budget",
                "2:bad options", "3:the run itself broke"})
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code. */
    public static int run(String... args) {
        CommandLine commandLine = new CommandLine(Main.class).setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setParameterExceptionHandler((e, ignored) -> {
            e.getCommandLine().getErr().println("parley-loadtest: " + e.getMessage() + " (see --help)");
            return ExitCodes.USAGE;
        });
        commandLine.setExecutionExceptionHandler((e, cl, ignored) -> {
            cl.getErr().println("parley-loadtest: " + e);
            return ExitCodes.BROKEN;
        });
        return commandLine.execute(args);
    }
}
