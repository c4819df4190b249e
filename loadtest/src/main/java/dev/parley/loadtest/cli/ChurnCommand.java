package dev.parley.loadtest.cli;

import dev.parley.loadtest.scenario.ChurnScenario;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code churn}: see {@link ChurnScenario}. */
@Command(name = "churn", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = "The broadcast load while sessions keep connecting, joining and disconnecting.")
public final class ChurnCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    LoadOptions load;

    @Option(names = "--churn-rate", defaultValue = "10", paramLabel = "PER_SEC",
            description = "Sessions that connect (and, after their lifetime, disconnect) per second. Default: ${DEFAULT-VALUE}")
    double churnRate;

    @Option(names = "--churn-lifetime", defaultValue = "1", paramLabel = "SECONDS",
            description = "How long each churn session stays in its room. Default: ${DEFAULT-VALUE}")
    double churnLifetime;

    @Override
    public Integer call() throws Exception {
        return ScenarioRunner.run(spec, common, () -> {
            Checks.positive("--churn-rate", churnRate);
            Checks.positive("--churn-lifetime", churnLifetime);
            return new ChurnScenario(new ChurnScenario.Settings(load.settings(null), churnRate, churnLifetime));
        });
    }
}
