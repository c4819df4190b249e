package dev.parley.loadtest.cli;

import dev.parley.loadtest.run.Payload;
import dev.parley.loadtest.scenario.BroadcastScenario;
import dev.parley.loadtest.scenario.StartSignal;
import dev.parley.loadtest.scenario.Storm;
import picocli.CommandLine.Option;

/** The chat load of {@code broadcast} and {@code churn}. */
public final class LoadOptions {
    @Option(names = "--clients", defaultValue = "100", paramLabel = "N", description = "Sessions. Default: ${DEFAULT-VALUE}")
    int clients;

    @Option(names = "--rooms", defaultValue = "1", paramLabel = "R",
            description = "Rooms; session i joins room i mod R. Default: ${DEFAULT-VALUE}")
    int rooms;

    @Option(names = "--senders", defaultValue = "10", paramLabel = "S",
            description = "Sessions that send (the first S, spread over the rooms). Default: ${DEFAULT-VALUE}")
    int senders;

    @Option(names = "--rate", defaultValue = "1", paramLabel = "MSGS_PER_SENDER_PER_SEC",
            description = "Messages per second each sender sends, on a fixed schedule. Default: ${DEFAULT-VALUE}")
    double rate;

    @Option(names = "--size", defaultValue = "64", paramLabel = "BYTES",
            description = "Length of each message text (at least " + Payload.MAX_HEADER_CHARS
                    + ", the timestamp it carries). Default: ${DEFAULT-VALUE}")
    int size;

    @Option(names = "--warmup", defaultValue = "5", paramLabel = "SECONDS",
            description = "Sending before the measurement starts. Default: ${DEFAULT-VALUE}")
    double warmup;

    @Option(names = "--duration", defaultValue = "30", paramLabel = "SECONDS",
            description = "Measured sending. Default: ${DEFAULT-VALUE}")
    double duration;

    @Option(names = "--settle-timeout", defaultValue = "120", paramLabel = "SECONDS",
            description = "After the joins, wait at most this long for the join announcements to stop arriving "
                    + "(half a second without any event) before sending. Default: ${DEFAULT-VALUE}")
    double settleTimeout;

    BroadcastScenario.Settings settings(BroadcastScenario.Search search) {
        return settings(search, null, null);
    }

    BroadcastScenario.Settings settings(BroadcastScenario.Search search, Storm storm, StartSignal start) {
        Checks.atLeast("--clients", clients, 1);
        Checks.atLeast("--rooms", rooms, 1);
        Checks.atLeast("--senders", senders, 1);
        Checks.positive("--rate", rate);
        Checks.atLeast("--size", size, 1);
        Checks.atLeast("--warmup", warmup, 0);
        Checks.positive("--duration", duration);
        Checks.atLeast("--settle-timeout", settleTimeout, 0);
        return new BroadcastScenario.Settings(clients, rooms, senders, rate, size, warmup, duration, settleTimeout,
                search, storm, start);
    }
}
