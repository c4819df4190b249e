package dev.parley.loadtest.cli;

import dev.parley.loadtest.net.LoadClient;
import dev.parley.loadtest.net.Reconnection;
import dev.parley.loadtest.net.SourceAddresses;
import dev.parley.loadtest.report.Report;
import dev.parley.loadtest.report.ReportWriter;
import dev.parley.loadtest.report.TextSummary;
import dev.parley.loadtest.run.Connector;
import dev.parley.loadtest.run.ServerProbe;
import dev.parley.loadtest.scenario.RunContext;
import dev.parley.loadtest.scenario.Scenario;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * Runs one scenario the way every subcommand does: checks the options, opens the client, runs,
 * writes the report files and prints the summary. The exit code is {@link ExitCodes#PASSED} or
 * {@link ExitCodes#FAILED} (deliveries lost, duplicated or reordered, or errors over budget).
 */
final class ScenarioRunner {
    private ScenarioRunner() {
    }

    static int run(CommandSpec spec, CommonOptions common, Supplier<Scenario> scenarioOf) throws IOException {
        Scenario scenario;
        SourceAddresses sources;
        try {
            scenario = scenarioOf.get();
            Checks.atLeast("--connect-concurrency", common.connectConcurrency, 1);
            Checks.atLeast("--ramp-up", common.rampUpSeconds, 0);
            Checks.atLeast("--io-threads", common.ioThreads, 0);
            Checks.positive("--timeout-ms", common.timeoutMs);
            Checks.positive("--drain-timeout", common.drainTimeoutSeconds);
            Checks.atLeast("--max-errors", common.maxErrors, 0);
            Checks.atLeast("--first-session", common.firstSession, 0);
            Checks.atLeast("--reconnect-delay-ms", common.reconnectDelayMs, 1);
            Checks.atLeast("--reconnect-max-delay-ms", common.reconnectMaxDelayMs, common.reconnectDelayMs);
            Checks.positive("--reconnect-give-up", common.reconnectGiveUpSeconds);
            sources = SourceAddresses.parse(common.sourceAddresses, InetAddress.getByName(common.urls.get(0).getHost()));
        } catch (IllegalArgumentException | UnknownHostException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        PrintStream out = System.out;
        ServerProbe probe = new ServerProbe(common.metricsUrl != null ? common.metricsUrl
                : ServerProbe.metricsUriFor(common.urls.get(0)),
                common.serverPid == null ? OptionalLong.empty() : OptionalLong.of(common.serverPid));
        LoadClient client;
        try {
            Reconnection reconnection = common.reconnect
                    ? new Reconnection(true, common.reconnectDelayMs, common.reconnectMaxDelayMs,
                            Math.round(common.reconnectGiveUpSeconds * 1000))
                    : Reconnection.DISABLED;
            client = new LoadClient(common.urls, common.ioThreads, sources, common.timeoutMs, reconnection);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        Report report;
        try (RunContext ctx = new RunContext(client, new Connector.Options(common.connectConcurrency,
                common.rampUpSeconds, common.timeoutMs), probe, out, Math.round(common.drainTimeoutSeconds * 1000),
                common.maxErrors, VersionProvider.VERSION, common.runId, common.firstSession)) {
            out.println("parley-loadtest " + spec.name() + " against " + client.urls() + " (" + client.transport()
                    + ", sources: " + sources + ")");
            ctx.warmUp();
            report = scenario.run(ctx);
        }
        ReportWriter.write(report, common.report);
        out.print(TextSummary.render(report));
        out.println("report: " + common.report.resolve(ReportWriter.HTML).toAbsolutePath());
        return report.passed() ? ExitCodes.PASSED : ExitCodes.FAILED;
    }
}
