package dev.parley.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A real {@code redis-server} process on a free loopback port, owned by a test: started, stopped,
 * killed and started again on the same port (then empty, as after a crash without persistence).
 * Nothing is saved to disk. Use with try-with-resources or close it in {@code @AfterAll}.
 *
 * <pre>{@code
 * try (RedisServer redis = RedisServer.start()) {
 *     ServerConfig config = ... .with("--redis-uri", redis.uri()) ...;
 *     redis.kill();      // Redis is gone
 *     redis.restart();   // back, empty, same port
 * }
 * }</pre>
 */
public final class RedisServer implements AutoCloseable {
    private static final String BINARY = "redis-server";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(20);

    /**
     * Every process started and not yet ended, killed when the JVM exits: a test that never closes
     * its server (a failure in its set-up, a shared one) must not leave a redis-server behind.
     */
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly),
                "redis-server-reaper"));
    }

    private final int port;
    private Process process;

    private RedisServer(int port) {
        this.port = port;
    }

    /**
     * Starts a server on a free port; skips the calling test (a JUnit assumption) when
     * {@code redis-server} is not installed.
     */
    public static RedisServer start() {
        Assumptions.assumeTrue(isInstalled(), "redis-server is not installed (apt-get install redis-server)");
        RedisServer redis = new RedisServer(LocalServers.freePort());
        redis.restart();
        return redis;
    }

    private static boolean isInstalled() {
        return LocalServers.directoryOnPath(BINARY) != null;
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:<port>}. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Starts the server again on the same port, empty; waits until it answers PING. */
    public synchronized void restart() {
        if (isRunning()) {
            throw new IllegalStateException("redis-server is running on port " + port);
        }
        try {
            process = new ProcessBuilder(List.of(BINARY, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--protected-mode", "no", "--loglevel", "warning"))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            RUNNING.add(process);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!answersPing()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                RUNNING.remove(process);
                throw new IllegalStateException("redis-server did not start on port " + port);
            }
            LockSupport.parkNanos(POLL_INTERVAL.toNanos());
        }
    }

    private boolean answersPing() {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = in.readNBytes(7);
            return new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException notYet) {
            return false;
        }
    }

    /** Kills the process at once (SIGKILL): connections drop without a word, nothing is kept. */
    public synchronized void kill() {
        end(true);
    }

    /** Stops the process (SIGTERM; nothing is saved, persistence being off). */
    public synchronized void stop() {
        end(false);
    }

    private void end(boolean forcibly) {
        if (process == null) {
            return;
        }
        if (forcibly) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        RUNNING.remove(process);
        process = null;
    }

    @Override
    public synchronized void close() {
        kill();
    }
}
