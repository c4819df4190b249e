package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.TestSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The process topology of compose.yaml, as {@code scripts/cluster.sh} starts it: Redis, three
 * server jars and HAProxy with deploy/haproxy.cfg. Two clients that reach different nodes through
 * the one proxy port chat, and one of them survives a graceful restart of its node by resuming
 * through the proxy on another node and recovering what it missed.
 */
class ClusterTopologyIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path SCRIPT = ROOT.resolve("scripts/cluster.sh");
    private static final Pattern CONNECTIONS = Pattern.compile("\"connections\":(\\d+)");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Map<String, String> env;
    private static int proxyPort;
    private static List<Integer> nodePorts;

    @BeforeAll
    static void startCluster() throws Exception {
        assumeTrue(onPath("haproxy") && onPath("redis-server"),
                "haproxy and redis-server are needed for the cluster topology test (apt-get install haproxy redis-server)");
        List<Integer> ports = freePorts(5);
        proxyPort = ports.get(0);
        nodePorts = ports.subList(1, 4);
        env = new HashMap<>();
        env.put("PARLEY_CLUSTER_DIR", Path.of("target", "cluster-it").toAbsolutePath().toString());
        env.put("PARLEY_PROXY_PORT", Integer.toString(proxyPort));
        env.put("PARLEY_NODE_PORTS", nodePorts.stream().map(String::valueOf).collect(Collectors.joining(" ")));
        env.put("PARLEY_REDIS_PORT", Integer.toString(ports.get(4)));
        env.put("SERVER_JAR", ServerProcess.JAR.toString());
        env.put("NODE_JAVA_OPTS", "-Xmx128m -XX:TieredStopAtLevel=1");
        env.put("PARLEY_DRAIN_DELAY_MS", "1500");
        env.put("PARLEY_SHUTDOWN_GRACE_MS", "2000");
        env.put("PARLEY_WARM_UP_MESSAGES", "0");
        int exit = script("start");
        if (exit != 0) {
            script("stop");
        }
        assertThat(exit).as("cluster.sh start; see the logs in " + env.get("PARLEY_CLUSTER_DIR")).isZero();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (env != null) {
            assertThat(script("stop")).isZero();
        }
    }

    @Test
    void twoClientsOnDifferentNodesChatThroughTheProxyAndOneResumesAcrossARestartOfItsNode() throws Exception {
        URI ws = URI.create("ws://127.0.0.1:" + proxyPort + "/ws");
        try (TestSocket alice = TestSocket.connect(ws)) {
            JsonNode welcome = alice.request("welcome", "type", "hello", "nick", "alice-cl");
            int aliceNode = connectionsPerNode().indexOf(1) + 1;
            JsonNode joined = alice.request("joined", "type", "join", "room", "deploy");
            try (TestSocket bob = TestSocket.login(ws, "bob-cl")) {
                bob.request("joined", "type", "join", "room", "deploy");
                List<Integer> perNode = connectionsPerNode();
                assertThat(perNode).as("leastconn put them on two nodes").containsExactlyInAnyOrder(0, 1, 1);
                assertThat(perNode.get(aliceNode - 1)).isEqualTo(1);

                alice.request("ack", "type", "send", "room", "deploy", "text", "hello across nodes");
                assertThat(bob.next("message").get("text").asText()).isEqualTo("hello across nodes");
                long seen = alice.next("message").get("offset").asLong();

                CompletableFuture<Integer> restart = CompletableFuture.supplyAsync(
                        () -> script("restart", Integer.toString(aliceNode)));
                assertThat(alice.awaitClose(Duration.ofSeconds(30)).code()).as("drained").isEqualTo(1001);
                bob.request("ack", "type", "send", "room", "deploy", "text", "while you were away");

                try (TestSocket back = TestSocket.connect(ws)) {
                    back.request("welcome", "type", "hello", "nick", "alice-cl", "resume",
                            welcome.get("resume").asText());
                    JsonNode rejoined = back.request("joined", "type", "join", "room", "deploy", "since",
                            Map.of("epoch", joined.get("epoch").asText(), "offset", seen));
                    assertThat(rejoined.get("recovered").asBoolean()).as(rejoined.toString()).isTrue();
                    assertThat(rejoined.get("messages")).extracting(m -> m.get("text").asText())
                            .containsExactly("while you were away");
                    bob.request("pong", "type", "ping");
                    assertThat(bob.queued()).as("presence is kept across the restart (cluster.sh)")
                            .noneMatch(event -> event.path("type").asText().equals("presence"));
                }
                assertThat(restart.get(120, TimeUnit.SECONDS)).as("cluster.sh restart " + aliceNode).isZero();
            }
        }
    }

    /** Each node's open connections, from its /healthz. */
    private static List<Integer> connectionsPerNode() throws Exception {
        List<Integer> counts = new ArrayList<>();
        for (int port : nodePorts) {
            String body = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = CONNECTIONS.matcher(body);
            counts.add(m.find() ? Integer.parseInt(m.group(1)) : -1);
        }
        return counts;
    }

    private static int script(String... args) {
        List<String> command = new ArrayList<>(List.of(SCRIPT.toString()));
        command.addAll(List.of(args));
        try {
            Path log = Path.of(env.get("PARLEY_CLUSTER_DIR"), "cluster.sh.log");
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(180, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return -1;
            }
            return process.exitValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static boolean onPath(String binary) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, binary)));
    }

    private static List<Integer> freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0));
            }
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }
}
