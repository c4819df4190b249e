package dev.parley.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.loadtest.cli.ExitCodes;
import dev.parley.server.ParleyServer;
import dev.parley.server.config.ServerConfig;
import dev.parley.testing.TcpProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sessions that lose their connection mid-run reconnect, resume and re-join with {@code since},
 * and the delivery checks carry on across the reconnect: what the server recovers counts once,
 * what it says it cannot recover counts apart and fails the run.
 */
class ReconnectIT {
    private static final Path SERVER_JAR = Path.of("..", "server", "target", "parley-server.jar").toAbsolutePath();
    private static final Pattern LISTENING = Pattern.compile("listening on /[^:]+:(\\d+) ");

    @TempDir
    Path dir;

    private static ServerConfig.Builder config() {
        return ServerConfig.builder().with("--host", "127.0.0.1").with("--port", 0).with("--warm-up-messages", 0).with("--rate-per-sec", 1000)
                .with("--burst", 1000);
    }

    private static long deliveries(ParleyServer server) {
        Matcher m = Pattern.compile("(?m)^parley_deliveries_total (\\S+)").matcher(server.metrics().scrape());
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void droppedConnectionsResumeAndRecoverEveryMessageOnce() throws Exception {
        try (ParleyServer server = ParleyServer.start(config().build());
             TcpProxy proxy = TcpProxy.to(server.address())) {
            CompletableFuture<Void> cut = CompletableFuture.runAsync(() -> {
                await().atMost(60, TimeUnit.SECONDS).until(() -> deliveries(server) > 400);
                proxy.cutAll();
            });
            Runs.Run run = Runs.run(dir, "broadcast", proxy.rewrite(server.webSocketUri()), "--clients", "20",
                    "--rooms", "2", "--senders", "4", "--rate", "20", "--size", "80", "--warmup", "1",
                    "--duration", "3", "--reconnect-delay-ms", "100");
            cut.get(1, TimeUnit.SECONDS);

            JsonNode r = run.report();
            assertThat(r.at("/reconnects/lost").asLong()).as(r.toString()).isEqualTo(20);
            assertThat(r.at("/reconnects/resumed").asLong()).isEqualTo(20);
            assertThat(r.at("/reconnects/gaveUp").asLong()).isZero();
            assertThat(r.at("/reconnects/timeToResume/p99Ms").asDouble()).isPositive();
            assertThat(r.get("lost").asLong() + r.get("duplicated").asLong() + r.get("reordered").asLong()).isZero();
            assertThat(r.get("notRecovered").asLong()).isZero();
            assertThat(r.get("acked").asLong() + r.get("unconfirmedSends").asLong())
                    .as("every send answered or lost with its connection").isEqualTo(r.get("sent").asLong());
            assertThat(r.get("delivered").asLong()).as("recovered messages count once")
                    .isEqualTo(r.get("expectedDeliveries").asLong());
            assertThat(run.exitCode()).isEqualTo(ExitCodes.PASSED);
            assertThat(Files.readString(dir.resolve("report.html"))).contains("Reconnects");
        }
    }

    @Test
    void aStoppedNodesSessionsMoveToTheNextUrlAndWhatCannotBeRecoveredFailsTheRun() throws Exception {
        try (ParleyServer other = ParleyServer.start(config().build())) {
            Process node = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", SERVER_JAR.toString(), "--host", "127.0.0.1", "--port", "0", "--warm-up-messages", "0", "--rate-per-sec", "1000",
                    "--burst", "1000", "--drain-delay-ms", "100", "--shutdown-grace-ms", "1000"))
                    .redirectErrorStream(true).start();
            try {
                String url = "ws://127.0.0.1:" + portOf(node) + "/ws";
                Runs.Run run = Runs.run(dir, "rolling-restart", url + "," + other.webSocketUri(), "--clients", "10",
                        "--rooms", "1", "--senders", "2", "--rate", "10", "--warmup", "0.5", "--duration", "3",
                        "--restart-pause", "0.5", "--reconnect-delay-ms", "100",
                        "--restart", "kill -TERM " + node.pid() + " && while kill -0 " + node.pid()
                                + " 2>/dev/null; do sleep 0.1; done");

                JsonNode r = run.report();
                assertThat(run.exitCode()).as(r.toString()).isEqualTo(ExitCodes.FAILED);
                assertThat(r.at("/restarts/0/exitCode").asInt()).isZero();
                assertThat(r.at("/reconnects/lost").asLong()).as("the half of the sessions on the stopped node")
                        .isEqualTo(5);
                assertThat(r.at("/reconnects/resumed").asLong()).isEqualTo(5);
                assertThat(r.get("notRecoveredSessions").asLong()).as("the other node has another history")
                        .isEqualTo(5);
                assertThat(r.get("failures").toString()).contains("5 re-joins not recovered");
                assertThat(r.at("/baselineLatency/p99Ms").asDouble()).isPositive();
                assertThat(node.waitFor(5, TimeUnit.SECONDS)).isTrue();
                assertThat(node.exitValue()).as("a graceful stop exits 0").isZero();
            } finally {
                node.destroyForcibly();
            }
        }
    }

    private static int portOf(Process node) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Integer> port = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line; (line = out.readLine()) != null; ) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        return Integer.parseInt(m.group(1));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            throw new IllegalStateException("the server never said it listens");
        });
        int p = port.get(30, TimeUnit.SECONDS);
        Thread drain = new Thread(() -> {
            try {
                out.transferTo(Writer.nullWriter());
            } catch (IOException e) {
                // the process ended
            }
        }, "node-output");
        drain.setDaemon(true);
        drain.start();
        return p;
    }
}
