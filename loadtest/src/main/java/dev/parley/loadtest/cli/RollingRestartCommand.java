package dev.parley.loadtest.cli;

import dev.parley.loadtest.scenario.RollingRestartScenario;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code rolling-restart}: see {@link RollingRestartScenario}. */
@Command(name = "rolling-restart", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = "The broadcast load, measured once, then again while each node is restarted in turn by a "
                + "command of yours; sessions reconnect, resume and re-join, and every delivery is checked across "
                + "the whole run.")
public final class RollingRestartCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    LoadOptions load;

    @Option(names = "--restart", required = true, paramLabel = "COMMAND",
            description = "A shell command that restarts one node and returns once it is back (for example "
                    + "'scripts/cluster.sh restart 1'); repeat it, once per node, in order.")
    List<String> commands;

    @Option(names = "--restart-pause", defaultValue = "5", paramLabel = "SECONDS",
            description = "Time before each restart, from the start of the measured load or the previous "
                    + "restart's end. Default: ${DEFAULT-VALUE}")
    double pause;

    @Option(names = "--restart-timeout", defaultValue = "120", paramLabel = "SECONDS",
            description = "Longest a restart command may take before it is killed and counted as failed. "
                    + "Default: ${DEFAULT-VALUE}")
    double timeout;

    @Override
    public Integer call() throws Exception {
        return ScenarioRunner.run(spec, common, () -> {
            Checks.atLeast("--restart-pause", pause, 0);
            Checks.positive("--restart-timeout", timeout);
            return new RollingRestartScenario(new RollingRestartScenario.Settings(load.settings(null), commands, pause,
                    timeout));
        });
    }
}
