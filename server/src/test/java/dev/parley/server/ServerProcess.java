package dev.parley.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The server as a user runs it: the packaged jar in its own process, its output read line by line. */
final class ServerProcess implements AutoCloseable {
    static final Path JAR = Path.of("target", "parley-server.jar").toAbsolutePath();
    private static final Pattern LISTENING = Pattern.compile("listening on /[^:]+:(\\d+) ");

    private final Process process;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private ServerProcess(Process process) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "server-process-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code command} with {@code env} added to this process's environment. */
    static ServerProcess start(List<String> command, Map<String, String> env) {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: integration tests run after `package`");
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        try {
            return new ServerProcess(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The command line of {@code java -jar parley-server.jar args...}, with SIGINT and SIGHUP back
     * to their defaults: a build started with {@code nohup} or {@code &} passes them on ignored, and
     * the JVM then installs no handler for them, so the tests of those signals would fail.
     */
    static List<String> javaJar(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("env", "--default-signal=INT,HUP", javaBinary(),
                "-jar", JAR.toString(), "--warm-up-messages", "0"));
        command.addAll(List.of(args));
        return command;
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * Waits for the first output line that matches {@code pattern}; returns its match. The bound is
     * generous: a JVM that starts Netty and a Redis client can take many seconds on a busy machine.
     */
    Matcher awaitLine(Pattern pattern) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        StringBuilder seen = new StringBuilder();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null) {
                seen.append(line).append('\n');
                Matcher matcher = pattern.matcher(line);
                if (matcher.find()) {
                    return matcher;
                }
            } else if (!process.isAlive() && lines.isEmpty()) {
                break;
            }
        }
        throw new AssertionError("no line matching " + pattern + "; output:\n" + seen);
    }

    /** Waits until the server listens; returns its WebSocket URI. */
    URI awaitListening() throws InterruptedException {
        return URI.create("ws://127.0.0.1:" + awaitLine(LISTENING).group(1) + "/ws");
    }

    /** Sends SIGTERM and waits for the exit code. */
    int terminate() throws InterruptedException {
        process.destroy();
        return awaitExit();
    }

    /** Sends a signal such as {@code INT} with {@code kill}. */
    void signal(String name) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
    }

    int awaitExit() throws InterruptedException {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            throw new AssertionError("the server did not exit");
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
