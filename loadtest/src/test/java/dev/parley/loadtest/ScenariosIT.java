package dev.parley.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.loadtest.cli.ExitCodes;
import dev.parley.server.ParleyServer;
import dev.parley.server.config.ServerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Every scenario, at small scale, against a real Parley server: it runs and its report is right. */
class ScenariosIT {
    private static ParleyServer server;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() {
        server = ParleyServer.start(ServerConfig.builder().with("--host", "127.0.0.1").with("--port", 0).with("--warm-up-messages", 0)
                .with("--rate-per-sec", 1000).with("--burst", 1000).build());
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void broadcastDeliversEveryMessageToEveryMemberOnceAndInOrder() throws Exception {
        Runs.Run run = Runs.run(dir, "broadcast", server.webSocketUri(), "--clients", "20", "--rooms", "2",
                "--senders", "4", "--rate", "10", "--size", "80", "--warmup", "1", "--duration", "2",
                "--server-pid", Long.toString(ProcessHandle.current().pid()));

        JsonNode r = run.report();
        assertThat(run.exitCode()).isEqualTo(ExitCodes.PASSED);
        assertThat(r.at("/connections/opened").asInt()).isEqualTo(20);
        assertThat(r.get("sent").asLong()).as("4 senders × 10/s × 3 s, on schedule").isEqualTo(120);
        assertThat(r.get("acked").asLong()).isEqualTo(120);
        assertThat(r.get("expectedDeliveries").asLong()).as("each message reaches the 10 members of its room")
                .isEqualTo(1200);
        assertThat(r.get("delivered").asLong()).isEqualTo(1200);
        assertThat(r.get("lost").asLong() + r.get("duplicated").asLong() + r.get("reordered").asLong()).isZero();
        assertThat(r.get("errors").asLong()).isZero();
        assertThat(r.get("samples").asLong()).as("deliveries intended in the 2 s window").isEqualTo(800);
        assertThat(r.get("p50Ms").asDouble()).isPositive();
        assertThat(r.get("p99Ms").asDouble()).isGreaterThanOrEqualTo(r.get("p50Ms").asDouble());
        assertThat(r.get("maxMs").asDouble()).isGreaterThanOrEqualTo(r.get("p999Ms").asDouble());
        assertThat(r.at("/ackLatency/samples").asLong()).as("sends intended in the 2 s window").isEqualTo(80);
        assertThat(r.at("/ackLatency/p99Ms").asDouble()).isGreaterThanOrEqualTo(r.at("/ackLatency/p50Ms").asDouble())
                .isPositive();
        assertThat(r.get("offeredDeliveriesPerSec").asDouble()).isEqualTo(400);
        assertThat(r.get("deliveriesPerSec").asDouble()).isPositive();
        assertThat(r.get("timeline").size()).isGreaterThanOrEqualTo(3);
        assertThat(r.at("/cpu/serverCpuSeconds").asDouble()).isPositive();
        assertThat(r.at("/cpu/harnessCpuSeconds").asDouble()).isPositive();
        assertThat(r.at("/cpu/serverCpuMicrosPerDelivery").asDouble()).isPositive();
    }

    @Test
    void aStormOfReactionsIsCheckedLikeMessagesButOnlyTheSendersMessagesAreMeasured() throws Exception {
        for (String kind : new String[] {"reactions", "messages"}) {
            Runs.Run run = Runs.run(dir.resolve(kind), "broadcast", server.webSocketUri(), "--clients", "12",
                    "--rooms", "1", "--senders", "2", "--rate", "10", "--warmup", "1", "--duration", "2",
                    "--storm", kind, "--storm-rate", "40", "--storm-members", "8");

            JsonNode r = run.report();
            assertThat(run.exitCode()).as(kind).isEqualTo(ExitCodes.PASSED);
            assertThat(r.at("/parameters/storm").asText()).isEqualTo(kind);
            assertThat(r.get("sent").asLong()).as("2 × 10/s × 3 s measured, 40/s × 3 s of storm, one target")
                    .isEqualTo(60 + 120);
            assertThat(r.get("acked").asLong()).isEqualTo(180);
            assertThat(r.get("expectedDeliveries").asLong()).as("every room event, the storm's too, reaches the 12 members")
                    .isEqualTo(12 * 181);
            assertThat(r.get("delivered").asLong()).as("only the senders' messages carry a time to measure")
                    .isEqualTo(12 * 60);
            assertThat(r.get("lost").asLong() + r.get("duplicated").asLong() + r.get("reordered").asLong()).isZero();
            assertThat(r.get("errors").asLong()).isZero();
            assertThat(r.at("/parameters/refusedCommands").asLong()).as("every reaction changed something").isZero();
        }
    }

    @Test
    void harnessProcessesOfOneRunShareItsRoomsAndStartSendingTogether() throws Exception {
        Path go = dir.resolve("go");
        ExecutorService processes = Executors.newFixedThreadPool(2);
        try {
            List<Future<Runs.Run>> parts = new ArrayList<>();
            for (int part = 0; part < 2; part++) {
                String[] options = {"--clients", "10", "--rooms", "2", "--senders", "2", "--rate", "10", "--warmup",
                        "0.5", "--duration", "1.5", "--run-id", "shared", "--first-session", Integer.toString(part * 10),
                        "--ready-file", dir.resolve("ready" + part).toString(), "--go-file", go.toString()};
                Path report = dir.resolve("part" + part);
                parts.add(processes.submit(() -> Runs.run(report, "broadcast", server.webSocketUri(), options)));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(dir.resolve("ready0"))
                    && Files.exists(dir.resolve("ready1")));
            assertThat(Files.readString(dir.resolve("ready1"))).startsWith("members 10");
            await("no part ends before the go").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4))
                    .until(() -> parts.stream().noneMatch(Future::isDone));
            Files.createFile(go);

            for (Future<Runs.Run> part : parts) {
                Runs.Run run = part.get(60, TimeUnit.SECONDS);
                JsonNode r = run.report();
                assertThat(run.exitCode()).isEqualTo(ExitCodes.PASSED);
                assertThat(r.get("sent").asLong()).as("2 senders × 10/s × 2 s").isEqualTo(40);
                assertThat(r.get("delivered").asLong())
                        .as("each room's 5 members here get its 20 messages from each part").isEqualTo(2 * 5 * 40);
                assertThat(r.get("lost").asLong() + r.get("duplicated").asLong() + r.get("reordered").asLong())
                        .isZero();
            }
        } finally {
            processes.shutdownNow();
        }
    }

    @Test
    void connectReportsConnectTimesAndTheServersHeapAndRssPerSession() throws Exception {
        Runs.Run run = Runs.run(dir, "connect", server.webSocketUri(), "--clients", "30", "--duration", "0.5",
                "--server-pid", Long.toString(ProcessHandle.current().pid()));

        JsonNode r = run.report();
        assertThat(run.exitCode()).isEqualTo(ExitCodes.PASSED);
        assertThat(r.at("/connections/opened").asInt()).isEqualTo(30);
        assertThat(r.at("/connections/connectTime/samples").asInt()).isEqualTo(30);
        assertThat(r.at("/connections/connectTime/p50Ms").asDouble()).isPositive();
        assertThat(r.at("/server/sessions").asInt()).isEqualTo(30);
        assertThat(r.at("/server/heapAfterBytes").asLong()).isPositive();
        assertThat(r.at("/server/rssAfterBytes").asLong()).isPositive();
        assertThat(r.at("/server/gcForced").asBoolean()).isTrue();
        assertThat(r.at("/parameters/openAtEnd").asInt()).isEqualTo(30);
    }

    @Test
    void rttAnswersEveryPingOnceAndInOrder() throws Exception {
        Runs.Run run = Runs.run(dir, "rtt", server.webSocketUri(), "--clients", "10", "--rate", "20",
                "--warmup", "0.5", "--duration", "1.5");

        JsonNode r = run.report();
        assertThat(run.exitCode()).isEqualTo(ExitCodes.PASSED);
        assertThat(r.get("sent").asLong()).isEqualTo(400);
        assertThat(r.get("delivered").asLong()).isEqualTo(400);
        assertThat(r.get("expectedDeliveries").asLong()).isEqualTo(400);
        assertThat(r.get("samples").asLong()).isEqualTo(300);
        assertThat(r.get("lost").asLong() + r.get("duplicated").asLong() + r.get("reordered").asLong()).isZero();
    }

    @Test
    void churnKeepsDeliveriesCleanWhileSessionsComeAndGo() throws Exception {
        Runs.Run run = Runs.run(dir, "churn", server.webSocketUri(), "--clients", "12", "--rooms", "2",
                "--senders", "2", "--rate", "10", "--churn-rate", "10", "--churn-lifetime", "0.5",
                "--warmup", "0.5", "--duration", "2");

        JsonNode r = run.report();
        assertThat(run.exitCode()).isEqualTo(ExitCodes.PASSED);
        assertThat(r.at("/parameters/churnOpened").asLong()).isGreaterThanOrEqualTo(15);
        assertThat(r.at("/parameters/churnClosed").asLong()).isEqualTo(r.at("/parameters/churnOpened").asLong());
        assertThat(r.at("/parameters/churnFailed").asLong()).isZero();
        assertThat(r.get("lost").asLong() + r.get("duplicated").asLong() + r.get("reordered").asLong()).isZero();
        assertThat(r.get("delivered").asLong()).as("churners received some messages too")
                .isGreaterThan(r.get("sent").asLong() * 6);
    }

    @Test
    void searchStepsTheRateUpAndStopsAtTheFirstUnsustainableStep() throws Exception {
        Runs.Run generous = Runs.run(dir.resolve("generous"), "broadcast", server.webSocketUri(), "--clients", "10",
                "--rooms", "1", "--senders", "2", "--rate", "5", "--warmup", "0.5", "--duration", "1",
                "--max-deliveries-search", "--search-factor", "2", "--search-max-steps", "2", "--p99-bound-ms", "60000");
        JsonNode search = generous.report().get("search");
        assertThat(generous.exitCode()).isEqualTo(ExitCodes.PASSED);
        assertThat(search.get("steps").size()).isEqualTo(2);
        assertThat(search.at("/steps/1/ratePerSender").asDouble()).isEqualTo(10);
        assertThat(search.at("/steps/1/sustainable").asBoolean()).isTrue();
        assertThat(search.get("highestSustainableDeliveriesPerSec").asDouble())
                .isEqualTo(search.at("/steps/1/deliveriesPerSec").asDouble()).isPositive();

        Runs.Run strict = Runs.run(dir.resolve("strict"), "broadcast", server.webSocketUri(), "--clients", "10",
                "--rooms", "1", "--senders", "2", "--rate", "5", "--warmup", "0.5", "--duration", "1",
                "--max-deliveries-search", "--search-max-steps", "3", "--p99-bound-ms", "0.000001");
        JsonNode none = strict.report().get("search");
        assertThat(none.get("steps").size()).as("the failed step, run once more, then the stop").isEqualTo(2);
        assertThat(none.at("/steps/0/verdict").asText()).isEqualTo("p99 over bound; retried");
        assertThat(none.at("/steps/1/verdict").asText()).isEqualTo("p99 over bound");
        assertThat(none.at("/steps/1/ratePerSender").asDouble()).isEqualTo(5);
        assertThat(none.get("highestSustainableDeliveriesPerSec").asDouble()).isZero();
    }

    @Test
    void errorsOverTheBudgetFailTheRun() throws Exception {
        try (ParleyServer strict = ParleyServer.start(ServerConfig.builder().with("--host", "127.0.0.1")
                .with("--port", 0).with("--warm-up-messages", 0)
                .with("--rate-per-sec", 2).with("--burst", 2).build())) {
            Runs.Run run = Runs.run(dir, "broadcast", strict.webSocketUri(), "--clients", "3", "--rooms", "1",
                    "--senders", "1", "--rate", "10", "--warmup", "0", "--duration", "1");

            assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILED);
            assertThat(run.report().at("/errorsByKind/error reply: rate_limited").asLong()).isPositive();
            assertThat(run.report().get("failures").toString()).contains("over the budget of 0");
        }
    }

    @Test
    void connectFailuresAreCountedByCause() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Runs.Run run = Runs.run(dir, "connect", URI.create("ws://127.0.0.1:" + port + "/ws"), "--clients", "5",
                "--duration", "0", "--timeout-ms", "3000");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(run.report().at("/connections/failuresByCause/refused").asLong()).isEqualTo(5);
        assertThat(run.report().at("/errorsByKind/connect: refused").asLong()).isEqualTo(5);
    }

    @Test
    void badOptionsExitWithUsage() {
        assertThat(Main.run("broadcast")).isEqualTo(ExitCodes.USAGE);
        assertThat(Main.run("broadcast", "--url", "ws://127.0.0.1:1/ws", "--rooms", "0")).isEqualTo(ExitCodes.USAGE);
        assertThat(Main.run("rtt", "--url", "http://127.0.0.1:1/ws")).isEqualTo(ExitCodes.USAGE);
        assertThat(Main.run("connect", "--url", "ws://127.0.0.1:1/ws", "--source-addresses", "nowhere"))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(Main.run("teleport")).isEqualTo(ExitCodes.USAGE);
    }
}
