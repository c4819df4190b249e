package dev.parley.loadtest.cli;

import dev.parley.loadtest.scenario.RttScenario;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code rtt}: see {@link RttScenario}. */
@Command(name = "rtt", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = "Every session sends ping at a fixed rate; latency of each pong from the ping's intended send time.")
public final class RttCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--clients", defaultValue = "100", paramLabel = "N", description = "Sessions. Default: ${DEFAULT-VALUE}")
    int clients;

    @Option(names = "--rate", defaultValue = "1", paramLabel = "PINGS_PER_CLIENT_PER_SEC",
            description = "Pings per second per session. Default: ${DEFAULT-VALUE}")
    double rate;

    @Option(names = "--warmup", defaultValue = "2", paramLabel = "SECONDS",
            description = "Pinging before the measurement starts. Default: ${DEFAULT-VALUE}")
    double warmup;

    @Option(names = "--duration", defaultValue = "10", paramLabel = "SECONDS",
            description = "Measured pinging. Default: ${DEFAULT-VALUE}")
    double duration;

    @Override
    public Integer call() throws Exception {
        return ScenarioRunner.run(spec, common, () -> {
            Checks.atLeast("--clients", clients, 1);
            Checks.positive("--rate", rate);
            Checks.atLeast("--warmup", warmup, 0);
            Checks.positive("--duration", duration);
            return new RttScenario(new RttScenario.Settings(clients, rate, warmup, duration));
        });
    }
}
