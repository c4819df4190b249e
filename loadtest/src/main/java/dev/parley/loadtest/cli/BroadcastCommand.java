package dev.parley.loadtest.cli;

import dev.parley.loadtest.scenario.BroadcastScenario;
import dev.parley.loadtest.scenario.StartSignal;
import dev.parley.loadtest.scenario.Storm;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code broadcast}: see {@link BroadcastScenario}. */
@Command(name = "broadcast", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = "N clients over R rooms; S senders send at a fixed rate each; every member must receive "
                + "every message of its room once and in order. Latency is measured from each message's intended "
                + "send time.")
public final class BroadcastCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    LoadOptions load;

    @Option(names = "--max-deliveries-search",
            description = "Step the rate up (from --rate, times --search-factor) until p99 passes --p99-bound-ms "
                    + "or deliveries fall behind; report the highest sustainable deliveries per second.")
    boolean search;

    @Option(names = "--p99-bound-ms", defaultValue = "50", paramLabel = "MS",
            description = "The search's p99 bound. Default: ${DEFAULT-VALUE}")
    double p99BoundMs;

    @Option(names = "--search-factor", defaultValue = "1.5", paramLabel = "X",
            description = "Rate multiplier between search steps. Default: ${DEFAULT-VALUE}")
    double searchFactor;

    @Option(names = "--search-max-steps", defaultValue = "12", paramLabel = "N",
            description = "Most search steps. Default: ${DEFAULT-VALUE}")
    int searchMaxSteps;

    @Option(names = "--search-retries", defaultValue = "1", paramLabel = "N",
            description = "Runs of a failed step again before the search stops (a shared machine stalls now and "
                    + "then). Default: ${DEFAULT-VALUE}")
    int searchRetries;

    @Option(names = "--storm", paramLabel = "KIND",
            description = "Traffic beside the senders' that is not measured itself but costs theirs: reactions "
                    + "(on and off in turn on one message of the room) or messages, at --storm-rate in all, "
                    + "from --storm-members sessions after the senders. Valid values: ${COMPLETION-CANDIDATES}")
    Storm.Kind storm;

    @Option(names = "--storm-rate", defaultValue = "1000", paramLabel = "PER_SEC",
            description = "The storm's commands per second, all its members together. Default: ${DEFAULT-VALUE}")
    double stormRate;

    @Option(names = "--storm-members", defaultValue = "1000", paramLabel = "N",
            description = "Sessions that make the storm (at most the members after the senders). Default: ${DEFAULT-VALUE}")
    int stormMembers;

    @Option(names = "--ready-file", paramLabel = "FILE",
            description = "Written once the sessions have joined and settled; then nothing is sent before "
                    + "--go-file exists (at most --settle-timeout): several harness processes start together.")
    Path readyFile;

    @Option(names = "--go-file", paramLabel = "FILE", description = "See --ready-file.")
    Path goFile;

    @Override
    public Integer call() throws Exception {
        return ScenarioRunner.run(spec, common, () -> {
            BroadcastScenario.Search searchSettings = null;
            if (search) {
                Checks.positive("--p99-bound-ms", p99BoundMs);
                Checks.atLeast("--search-factor", searchFactor, 1.01);
                Checks.atLeast("--search-max-steps", searchMaxSteps, 1);
                Checks.atLeast("--search-retries", searchRetries, 0);
                searchSettings = new BroadcastScenario.Search(p99BoundMs, searchFactor, searchMaxSteps, searchRetries);
            }
            Storm stormSettings = null;
            if (storm != null) {
                Checks.positive("--storm-rate", stormRate);
                Checks.atLeast("--storm-members", stormMembers, 1);
                stormSettings = new Storm(storm, stormMembers, stormRate);
            }
            if ((readyFile == null) != (goFile == null)) {
                throw new IllegalArgumentException("--ready-file and --go-file go together");
            }
            StartSignal start = readyFile == null ? null : new StartSignal(readyFile, goFile);
            return new BroadcastScenario(load.settings(searchSettings, stormSettings, start));
        });
    }
}
