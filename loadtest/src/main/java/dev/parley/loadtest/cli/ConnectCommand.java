package dev.parley.loadtest.cli;

import dev.parley.loadtest.scenario.ConnectScenario;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code connect}: see {@link ConnectScenario}. */
@Command(name = "connect", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = "Open N sessions and hold them; report connect time percentiles and, from the server's "
                + "/metrics (and /proc with --server-pid), its heap and RSS per session.")
public final class ConnectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--clients", defaultValue = "1000", paramLabel = "N", description = "Sessions. Default: ${DEFAULT-VALUE}")
    int clients;

    @Option(names = "--rooms", defaultValue = "0", paramLabel = "R",
            description = "Rooms to join (session i joins room i mod R); 0 keeps sessions out of rooms. "
                    + "Default: ${DEFAULT-VALUE}")
    int rooms;

    @Option(names = "--duration", defaultValue = "10", paramLabel = "SECONDS",
            description = "How long to hold the sessions once open. Default: ${DEFAULT-VALUE}")
    double duration;

    @Override
    public Integer call() throws Exception {
        return ScenarioRunner.run(spec, common, () -> {
            Checks.atLeast("--clients", clients, 1);
            Checks.atLeast("--rooms", rooms, 0);
            Checks.atLeast("--duration", duration, 0);
            return new ConnectScenario(new ConnectScenario.Settings(clients, rooms, duration));
        });
    }
}
