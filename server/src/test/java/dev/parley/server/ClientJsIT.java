package dev.parley.server;

import dev.parley.testing.PostgresExtension;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JavaScript client library's own tests ({@code client-js/test/*.test.js}, run by
 * {@code node --test}) against the packaged server jar, which they start and stop themselves.
 * Their output is in {@code target/client-js-tests.txt}. Skipped, saying so on the console, where
 * no Node.js with a WebSocket (20.10 or later) is installed; {@code -Dparley.node=PATH} names another.
 * The suites of durable history get a database of a real PostgreSQL ({@code PARLEY_TEST_DATABASE_URL}).
 */
class ClientJsIT {
    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private static final Path CLIENT_JS = Path.of("..", "client-js").toAbsolutePath().normalize();
    private static final Path OUTPUT = Path.of("target", "client-js-tests.txt").toAbsolutePath();
    private static final String NODE = System.getProperty("parley.node", "node");
    /** Node 20 has a global WebSocket only behind this flag. */
    private static final String WEBSOCKET_FLAG = "--experimental-websocket";

    @Test
    void nodeTestSuitesPassAgainstTheServerJar() throws IOException, InterruptedException {
        List<String> node = nodeWithWebSocket();
        assertThat(ServerProcess.JAR).as("integration tests run after package").isRegularFile();
        List<String> command = new ArrayList<>(node);
        command.addAll(List.of("--test", "--test-concurrency=1", "--test-reporter=spec"));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(CLIENT_JS.toFile())
                .redirectErrorStream(true)
                .redirectOutput(OUTPUT.toFile());
        builder.environment().put("PARLEY_SERVER_JAR", ServerProcess.JAR.toString());
        builder.environment().put("PARLEY_WARM_UP_MESSAGES", "0");
        builder.environment().put("PARLEY_JAVA", ServerProcess.javaBinary());
        builder.environment().put("NO_COLOR", "1");
        builder.environment().put("PARLEY_TEST_DATABASE_URL", POSTGRES.server().createDatabase("client_js"));
        Process process = builder.start();
        try {
            assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("node --test finished within 5 minutes").isTrue();
            assertThat(process.exitValue()).as("node --test exit code; its output:\n%s", Files.readString(OUTPUT)).isZero();
        } finally {
            // node stops the servers it started when it ends; a hung run is ended with its children
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    /** The node command line that has a global WebSocket (Node 22 and later by itself, 20 with a flag); skips without. */
    private static List<String> nodeWithWebSocket() throws InterruptedException {
        for (List<String> candidate : List.of(List.of(NODE), List.of(NODE, WEBSOCKET_FLAG))) {
            if (hasWebSocket(candidate)) {
                return candidate;
            }
        }
        String missing = "client-js tests skipped: no Node.js 20.10 or later with a WebSocket (`" + NODE
                + "`); install it (Debian: sudo apt-get install nodejs) or pass -Dparley.node=PATH";
        // Failsafe files System.err away; the forked JVM's own stderr reaches the build's console
        new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8).println("[WARNING] " + missing);
        Assumptions.abort(missing);
        throw new AssertionError("unreachable");
    }

    private static boolean hasWebSocket(List<String> node) throws InterruptedException {
        List<String> probe = new ArrayList<>(node);
        probe.addAll(List.of("-e", "process.exit(typeof WebSocket === 'function' ? 0 : 3)"));
        try {
            Process process = new ProcessBuilder(probe).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
