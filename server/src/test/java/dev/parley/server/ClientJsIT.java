package dev.parley.server;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JavaScript client library's own tests ({@code client-js/test/*.test.js}, run by
 * {@code node --test}) against the packaged server jar, which they start and stop themselves.
 * Their output is in {@code target/client-js-tests.txt}. Skipped, saying so on the console, where
 * no Node.js with a WebSocket (20.10 or later) is installed; {@code -Dparley.node=PATH} names another.
 */
class ClientJsIT {
    private static final Path CLIENT_JS = Path.of("..", "client-js").toAbsolutePath().normalize();
    private static final Path OUTPUT = Path.of("target", "client-js-tests.txt").toAbsolutePath();
    private static final String NODE = System.getProperty("parley.node", "node");
    /** Node 20 has a WebSocket behind this flag; later versions accept it and have one anyway. */
    private static final String WEBSOCKET_FLAG = "--experimental-websocket";

    @Test
    void nodeTestSuitesPassAgainstTheServerJar() throws IOException, InterruptedException {
        assumeNodeWithWebSocket();
        assertThat(ServerProcess.JAR).as("integration tests run after package").isRegularFile();
        ProcessBuilder builder = new ProcessBuilder(NODE, WEBSOCKET_FLAG, "--test", "--test-concurrency=1",
                "--test-reporter=spec")
                .directory(CLIENT_JS.toFile())
                .redirectErrorStream(true)
                .redirectOutput(OUTPUT.toFile());
        builder.environment().put("PARLEY_SERVER_JAR", ServerProcess.JAR.toString());
        builder.environment().put("PARLEY_JAVA", ServerProcess.javaBinary());
        builder.environment().put("NO_COLOR", "1");
        Process node = builder.start();
        try {
            assertThat(node.waitFor(5, TimeUnit.MINUTES)).as("node --test finished within 5 minutes").isTrue();
            assertThat(node.exitValue()).as("node --test exit code; its output:\n%s", Files.readString(OUTPUT)).isZero();
        } finally {
            // node stops the servers it started when it ends; a hung run is ended with its children
            node.descendants().forEach(ProcessHandle::destroyForcibly);
            node.destroyForcibly();
        }
    }

    private static void assumeNodeWithWebSocket() throws InterruptedException {
        String missing = "client-js tests skipped: no Node.js 20.10 or later with a WebSocket (`" + NODE
                + "`); install it (Debian: sudo apt-get install nodejs) or pass -Dparley.node=PATH";
        boolean usable;
        try {
            Process probe = new ProcessBuilder(List.of(NODE, WEBSOCKET_FLAG, "-e",
                    "process.exit(typeof WebSocket === 'function' ? 0 : 3)"))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            usable = probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0;
        } catch (IOException e) {
            usable = false;
        }
        if (!usable) {
            // Failsafe files System.err away; the forked JVM's own stderr reaches the build's console
            new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8)
                    .println("[WARNING] " + missing);
        }
        Assumptions.assumeTrue(usable, missing);
    }
}
