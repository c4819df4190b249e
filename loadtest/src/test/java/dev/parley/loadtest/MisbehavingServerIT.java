package dev.parley.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.loadtest.cli.ExitCodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The delivery checks must catch a server that breaks the contract, and fail the run; a slow ack shows in its own latency. */
class MisbehavingServerIT {
    private static final long ACK_DELAY_MS = 300;

    @TempDir
    Path dir;

    @Test
    void catchesALostADuplicatedAndAReorderedDelivery() throws Exception {
        try (FaultyChatServer server = new FaultyChatServer()) {
            Runs.Run run = Runs.run(dir, "broadcast", server.webSocketUri(), "--clients", "4", "--rooms", "1",
                    "--senders", "1", "--rate", "20", "--warmup", "0.5", "--duration", "1");

            JsonNode report = run.report();
            assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILED);
            assertThat(report.get("sent").asLong()).isGreaterThan(FaultyChatServer.REORDERED + 1);
            assertThat(report.get("lost").asLong()).isEqualTo(1);
            assertThat(report.get("duplicated").asLong()).isEqualTo(1);
            assertThat(report.get("reordered").asLong()).isEqualTo(1);
            assertThat(report.get("passed").asBoolean()).isFalse();
            assertThat(report.get("failures").toString()).contains("1 deliveries lost")
                    .contains("1 deliveries duplicated").contains("1 deliveries out of order");
            assertThat(Files.readString(dir.resolve("report.html"))).contains("FAIL").contains("1 deliveries lost");
        }
    }

    @Test
    void timesEachSendToItsAckApartFromTheDeliveries() throws Exception {
        try (FaultyChatServer server = new FaultyChatServer(ACK_DELAY_MS)) {
            Runs.Run run = Runs.run(dir, "broadcast", server.webSocketUri(), "--clients", "4", "--rooms", "1",
                    "--senders", "1", "--rate", "20", "--warmup", "0.5", "--duration", "1");

            JsonNode report = run.report();
            assertThat(report.at("/ackLatency/samples").asLong()).as("the sends intended in the 1 s window").isEqualTo(20);
            assertThat(report.at("/ackLatency/p50Ms").asDouble()).isGreaterThanOrEqualTo(ACK_DELAY_MS);
            assertThat(report.at("/ackLatency/p99Ms").asDouble())
                    .isGreaterThanOrEqualTo(report.at("/ackLatency/p50Ms").asDouble());
            assertThat(report.get("p50Ms").asDouble()).as("deliveries do not wait for the ack").isLessThan(ACK_DELAY_MS);
            assertThat(Files.readString(dir.resolve("summary.txt"))).contains("send → ack");
            assertThat(Files.readString(dir.resolve("report.html"))).contains("ack p99");
        }
    }
}
