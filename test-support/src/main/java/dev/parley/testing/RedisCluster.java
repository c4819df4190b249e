package dev.parley.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real Redis Cluster owned by a test: six {@code redis-server} processes on free loopback ports
 * ({@code --cluster-enabled yes}, nothing saved to disk), made three masters with a replica each by
 * {@code redis-cli --cluster create}. Starting one takes seconds: share one ({@link #shared}) and
 * {@link #flushAll} between tests. A master can be killed ({@code kill -9}) or failed over
 * gracefully; both wait until its replica serves its slots.
 *
 * <pre>{@code
 * static RedisCluster redis = RedisCluster.start();
 * ServerConfig config = ... .with("--redis-cluster", true).with("--redis-uri", redis.uris()) ...;
 * redis.killMasterOf("parley:room:{r}");   // its replica takes over; writes not yet replicated are lost
 * redis.close();
 * }</pre>
 */
public final class RedisCluster implements AutoCloseable {
    private static final String SERVER = "redis-server";
    private static final String CLI = "redis-cli";
    private static final int NODES = 6;
    /** How long a master may be silent before its replica takes over: short, for the tests' failovers. */
    private static final int NODE_TIMEOUT_MS = 1000;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
    private static final int SLOTS = 16384;

    private static RedisCluster shared;

    private final Path directory;
    /** Each node's process by its port; a killed node's is gone. */
    private final Map<Integer, Process> nodes = new LinkedHashMap<>();

    private RedisCluster(Path directory) {
        this.directory = directory;
    }

    /**
     * Starts six nodes, creates the cluster and waits until every node says it is ok and every
     * replica is in sync; skips the calling test (a JUnit assumption) when {@code redis-server} or
     * {@code redis-cli} is not installed.
     */
    public static RedisCluster start() {
        Assumptions.assumeTrue(LocalServers.directoryOnPath(SERVER) != null && LocalServers.directoryOnPath(CLI) != null,
                "redis-server and redis-cli are not installed (apt-get install redis-server)");
        RedisCluster cluster;
        try {
            cluster = new RedisCluster(Files.createTempDirectory("parley-redis-cluster"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            cluster.create();
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /**
     * The cluster that the tests of this JVM share, started on first use and killed when the JVM
     * exits: for tests that empty it ({@link #flushAll}) and may fail a master over gracefully, but
     * kill none (those start their own).
     */
    public static synchronized RedisCluster shared() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "redis-cluster-close"));
        }
        return shared;
    }

    private void create() {
        for (int i = 0; i < NODES; i++) {
            startNode();
        }
        List<String> create = new ArrayList<>(List.of(CLI, "--cluster", "create"));
        nodes.keySet().forEach(port -> create.add("127.0.0.1:" + port));
        create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
        String output = run(create);
        if (!output.contains("All 16384 slots covered")) {
            throw new IllegalStateException("redis-cli --cluster create failed: " + output);
        }
        awaitHealthy(START_TIMEOUT);
    }

    /**
     * Starts one node on free ports and waits until it answers; tries other ports when it dies at
     * once (a port taken meanwhile, by another test's server).
     */
    private void startNode() {
        for (int attempt = 1; ; attempt++) {
            int port = LocalServers.freePort();
            int busPort = LocalServers.freePort();
            Path dir = directory.resolve(Integer.toString(port));
            Process process;
            try {
                Files.createDirectories(dir);
                process = new ProcessBuilder(List.of(SERVER, "--port", Integer.toString(port),
                        "--cluster-port", Integer.toString(busPort), "--bind", "127.0.0.1",
                        "--cluster-enabled", "yes", "--cluster-config-file", dir.resolve("nodes.conf").toString(),
                        "--cluster-node-timeout", Integer.toString(NODE_TIMEOUT_MS), "--dir", dir.toString(),
                        "--save", "", "--appendonly", "no", "--protected-mode", "no", "--loglevel", "warning"))
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("log").toFile())
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (process.isAlive() && !"PONG".equals(cli(port, "PING")) && System.nanoTime() < deadline) {
                LockSupport.parkNanos(POLL_INTERVAL.toNanos());
            }
            if (process.isAlive() && "PONG".equals(cli(port, "PING"))) {
                synchronized (this) {
                    nodes.put(port, process);
                }
                return;
            }
            process.destroyForcibly();
            if (attempt == 3) {
                throw new IllegalStateException("redis-server did not start on port " + port + ": " + log(dir));
            }
        }
    }

    private static String log(Path dir) {
        try {
            return Files.readString(dir.resolve("log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Every live node's seed URI, comma-separated, as {@code --redis-uri} takes them. */
    public String uris() {
        return ports().stream().map(port -> "redis://127.0.0.1:" + port).collect(Collectors.joining(","));
    }

    /** The ports of the live nodes. */
    public synchronized List<Integer> ports() {
        return List.copyOf(nodes.keySet());
    }

    /** Empties every master (their replicas follow). */
    public void flushAll() {
        for (Node master : topology().stream().filter(Node::master).toList()) {
            String reply = cli(master.port(), "FLUSHALL");
            if (!"OK".equals(reply)) {
                throw new IllegalStateException("FLUSHALL on port " + master.port() + " answered " + reply);
            }
        }
    }

    /** The hash slot of {@code key}, as Redis computes it (the part in its first non-empty hash tag, if any). */
    public static int slotOf(String key) {
        int open = key.indexOf('{');
        if (open >= 0) {
            int close = key.indexOf('}', open + 1);
            if (close > open + 1) {
                key = key.substring(open + 1, close);
            }
        }
        return crc16(key.getBytes(StandardCharsets.UTF_8)) % SLOTS;
    }

    /** The port of the master that serves {@code key}'s slot now. */
    public int masterOf(String key) {
        int slot = slotOf(key);
        return topology().stream().filter(node -> node.master() && node.serves(slot)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no master serves slot " + slot)).port();
    }

    /**
     * Kills the master of {@code key}'s slot at once (SIGKILL: what it had not sent its replica yet
     * is lost), then waits until its replica serves the slot and the live nodes say the cluster is ok.
     * The killed node stays gone (listed as failed).
     */
    public void killMasterOf(String key) {
        int master = masterOf(key);
        kill(master);
        awaitNewMaster(key, master);
    }

    private void kill(int port) {
        Process process;
        synchronized (this) {
            process = nodes.remove(port);
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops the replica of {@code key}'s master (SIGSTOP) and drops its link, runs {@code writes},
     * which the master acknowledges but cannot replicate, kills the master (SIGKILL), lets the replica go on (SIGCONT)
     * and waits until it serves the slot: the writes are lost, as asynchronous replication may lose
     * the last ones in any failover. The killed node stays gone.
     */
    public void killMasterOfLosing(String key, Runnable writes) {
        int master = masterOf(key);
        List<Node> topology = topology();
        String masterId = topology.stream().filter(node -> node.port() == master).findFirst().orElseThrow().id();
        int replica = topology.stream().filter(node -> masterId.equals(node.masterId())).findFirst()
                .orElseThrow(() -> new IllegalStateException("the master on port " + master + " has no replica")).port();
        long replicaPid;
        synchronized (this) {
            replicaPid = nodes.get(replica).pid();
        }
        signal("STOP", replicaPid);
        try {
            // Its link dropped too: what the master sends meanwhile would wait in the stopped replica's socket.
            cli(master, "CLIENT", "KILL", "TYPE", "replica");
            writes.run();
            kill(master);
        } finally {
            signal("CONT", replicaPid);
        }
        awaitNewMaster(key, master);
    }

    private static void signal(String signal, long pid) {
        String output = run(List.of("kill", "-" + signal, Long.toString(pid)));
        if (!output.isEmpty()) {
            throw new IllegalStateException("kill -" + signal + " " + pid + ": " + output);
        }
    }

    /**
     * Fails the master of {@code key}'s slot over to its replica ({@code CLUSTER FAILOVER} there:
     * the two agree first, so nothing acknowledged is lost), and waits until the replica serves the
     * slot and every node says the cluster is ok.
     */
    public void failover(String key) {
        int master = masterOf(key);
        List<Node> topology = topology();
        String masterId = topology.stream().filter(node -> node.port() == master).findFirst().orElseThrow().id();
        Node replica = topology.stream().filter(node -> masterId.equals(node.masterId())).findFirst()
                .orElseThrow(() -> new IllegalStateException("the master on port " + master + " has no replica"));
        String reply = cli(replica.port(), "CLUSTER", "FAILOVER");
        if (!"OK".equals(reply)) {
            throw new IllegalStateException("CLUSTER FAILOVER answered " + reply);
        }
        awaitNewMaster(key, master);
    }

    private void awaitNewMaster(String key, int formerMaster) {
        int slot = slotOf(key);
        awaitCondition("a new master for slot " + slot, FAILOVER_TIMEOUT, () -> {
            try {
                return topology().stream().anyMatch(node -> node.master() && node.serves(slot) && node.port() != formerMaster
                        && !node.failed());
            } catch (IllegalStateException notYet) {
                return false;
            }
        });
        awaitHealthy(FAILOVER_TIMEOUT);
    }

    /** Waits until every live node says the cluster is ok and every live replica's link to its master is up and synced. */
    private void awaitHealthy(Duration timeout) {
        for (int port : ports()) {
            awaitCondition("cluster_state:ok on port " + port, timeout,
                    () -> cli(port, "CLUSTER", "INFO").contains("cluster_state:ok"));
        }
        for (int port : ports()) {
            awaitCondition("the node on port " + port + " in sync", timeout, () -> {
                String replication = cli(port, "INFO", "replication");
                return replication.contains("role:master")
                        || replication.contains("master_link_status:up") && replication.contains("master_sync_in_progress:0");
            });
        }
    }

    /** A node as {@code CLUSTER NODES} lists it. */
    private record Node(String id, int port, boolean master, boolean failed, String masterId, List<int[]> slots) {
        boolean serves(int slot) {
            return slots.stream().anyMatch(range -> range[0] <= slot && slot <= range[1]);
        }
    }

    /** The cluster as the first live node that answers sees it. */
    private List<Node> topology() {
        for (int port : ports()) {
            String listing = cli(port, "CLUSTER", "NODES");
            if (listing.isEmpty() || listing.startsWith("ERR") || listing.contains("Could not connect")) {
                continue;
            }
            return listing.lines().filter(line -> !line.isBlank()).map(RedisCluster::node).toList();
        }
        throw new IllegalStateException("no node of the cluster answers");
    }

    private static Node node(String line) {
        String[] fields = line.split(" ");
        String address = fields[1];
        int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1, address.indexOf('@')));
        List<String> flags = List.of(fields[2].split(","));
        List<int[]> slots = Stream.of(fields).skip(8).filter(field -> !field.startsWith("[")).map(field -> {
            String[] range = field.split("-");
            int first = Integer.parseInt(range[0]);
            return new int[] {first, range.length == 1 ? first : Integer.parseInt(range[1])};
        }).toList();
        return new Node(fields[0], port, flags.contains("master"), flags.contains("fail") || flags.contains("fail?"),
                fields[3].equals("-") ? null : fields[3], slots);
    }

    /** {@code redis-cli -p port args...}'s output, trimmed; an error's text when the node is gone. */
    private static String cli(int port, String... args) {
        List<String> command = new ArrayList<>(List.of(CLI, "-h", "127.0.0.1", "-p", Integer.toString(port)));
        command.addAll(List.of(args));
        return run(command);
    }

    private static String run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void awaitCondition(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            LockSupport.parkNanos(POLL_INTERVAL.toNanos());
        }
    }

    /** CRC16/XMODEM, Redis Cluster's key hash. */
    private static int crc16(byte[] bytes) {
        int crc = 0;
        for (byte b : bytes) {
            crc ^= (b & 0xff) << 8;
            for (int i = 0; i < 8; i++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
        }
        return crc & 0xffff;
    }

    /** Kills every node and deletes their directory. */
    @Override
    public synchronized void close() {
        nodes.values().forEach(Process::destroyForcibly);
        for (Process process : nodes.values()) {
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        nodes.clear();
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
