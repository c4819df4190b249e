package dev.parley.loadtest.cli;

import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/** The options every scenario takes: where the server is, how to connect, where the report goes. */
public final class CommonOptions {
    @Option(names = "--url", required = true, split = ",", paramLabel = "ws://HOST:PORT/ws",
            description = "The server's WebSocket URL, or several, comma-separated (the nodes of a cluster): "
                    + "sessions are spread over them, and a reconnecting session tries the next one.")
    List<URI> urls;

    @Option(names = "--report", defaultValue = "loadtest-report", paramLabel = "DIR",
            description = "Directory for report.json, report.html and summary.txt. Default: ${DEFAULT-VALUE}")
    Path report;

    @Option(names = "--connect-concurrency", defaultValue = "256", paramLabel = "N",
            description = "Session openings (and joins) in flight at once. Default: ${DEFAULT-VALUE}")
    int connectConcurrency;

    @Option(names = "--ramp-up", defaultValue = "0", paramLabel = "SECONDS",
            description = "Spread the session openings over this long; 0 opens them as fast as the "
                    + "concurrency allows. Default: ${DEFAULT-VALUE}")
    double rampUpSeconds;

    @Option(names = "--source-addresses", defaultValue = "auto", paramLabel = "auto|none|LIST",
            description = "Local addresses to connect from, in turn: auto (127.0.0.1-127.0.0.8 for a loopback "
                    + "server), none, or a list such as 127.0.0.1-127.0.0.16,127.0.1.1. Default: ${DEFAULT-VALUE}")
    String sourceAddresses;

    @Option(names = "--io-threads", defaultValue = "0", paramLabel = "N",
            description = "Client event loops; 0 for one per core. Default: ${DEFAULT-VALUE}")
    int ioThreads;

    @Option(names = "--timeout-ms", defaultValue = "10000", paramLabel = "MS",
            description = "Limit for each of TCP connect, WebSocket handshake and hello. Default: ${DEFAULT-VALUE}")
    int timeoutMs;

    @Option(names = "--drain-timeout", defaultValue = "15", paramLabel = "SECONDS",
            description = "After sending stops, how long to wait for outstanding deliveries (and for joins "
                    + "and closes). Default: ${DEFAULT-VALUE}")
    double drainTimeoutSeconds;

    @Option(names = "--max-errors", defaultValue = "0", paramLabel = "N",
            description = "Error budget: more errors (failed connects, error replies, closes by the server) "
                    + "fail the run. Default: ${DEFAULT-VALUE}")
    long maxErrors;

    @Option(names = "--reconnect", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "A session the server closes with 1001 (or 1012), or whose connection drops, reconnects, resumes and "
                    + "re-joins its room with since; its delivery checks carry on. Default: ${DEFAULT-VALUE}")
    boolean reconnect;

    @Option(names = "--reconnect-delay-ms", defaultValue = "250", paramLabel = "MS",
            description = "Ceiling of the first reconnect attempt's wait, doubling each attempt; each wait is "
                    + "drawn from half to all of its ceiling. Default: ${DEFAULT-VALUE}")
    long reconnectDelayMs;

    @Option(names = "--reconnect-max-delay-ms", defaultValue = "5000", paramLabel = "MS",
            description = "Highest ceiling of a reconnect wait. Default: ${DEFAULT-VALUE}")
    long reconnectMaxDelayMs;

    @Option(names = "--reconnect-give-up", defaultValue = "60", paramLabel = "SECONDS",
            description = "A session not resumed this long after its loss ends for good. Default: ${DEFAULT-VALUE}")
    double reconnectGiveUpSeconds;

    @Option(names = "--run-id", paramLabel = "ID",
            description = "Names the run's sessions and rooms (lt<ID>-<i>, lt<ID>-r<i>), so that several harness "
                    + "processes given one ID share their rooms. Default: random")
    String runId;

    @Option(names = "--first-session", defaultValue = "0", paramLabel = "N",
            description = "This process's sessions are the run's sessions N, N+1, ...: their nicks, and session i "
                    + "joins room i mod R by this number (each process of a shared --run-id takes its own range). "
                    + "Default: ${DEFAULT-VALUE}")
    int firstSession;

    @Option(names = "--metrics-url", paramLabel = "URL",
            description = "Prometheus metrics of the server, for its heap. Default: http://HOST:PORT/metrics of the "
                    + "first --url")
    URI metricsUrl;

    @Option(names = "--server-pid", paramLabel = "PID",
            description = "The server's pid when it runs on this machine: its RSS is read from /proc and a full GC "
                    + "(jcmd PID GC.run) precedes each heap reading.")
    Long serverPid;
}
