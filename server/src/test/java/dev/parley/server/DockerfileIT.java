package dev.parley.server;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Dockerfile, checked without a Docker engine: its shape (multi-stage, Temurin 17, non-root,
 * port, health check), then its runtime stage's own ENTRYPOINT, ENV and HEALTHCHECK run against
 * the jar its build stage names. {@code scripts/check-dockerfile.sh} also runs the build command.
 */
class DockerfileIT {
    private static final Path DOCKERFILE = Path.of("..", "Dockerfile");
    private static final int IMAGE_RUNTIME = 25;
    private static String text;

    @BeforeAll
    static void read() throws IOException {
        text = Files.readString(DOCKERFILE).replace("\\\n", " ");
    }

    private static String instruction(String name) {
        Matcher matcher = Pattern.compile("(?m)^" + name + "\\s+(.+)$").matcher(text);
        assertThat(matcher.find()).as("the Dockerfile has %s", name).isTrue();
        return matcher.group(1).trim();
    }

    /** The JSON array of an exec-form instruction, image paths mapped to this checkout. */
    private static List<String> execForm(String json) {
        Matcher array = Pattern.compile("\\[(.*)]").matcher(json);
        assertThat(array.find()).isTrue();
        List<String> words = new ArrayList<>();
        Matcher word = Pattern.compile("\"([^\"]*)\"").matcher(array.group(1));
        while (word.find()) {
            words.add(word.group(1).replace("/app/parley-server.jar", ServerProcess.JAR.toString()));
        }
        if (words.get(0).equals("java")) {
            words.set(0, ServerProcess.javaBinary());
        }
        return words;
    }

    private static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        Matcher matcher = Pattern.compile("(\\w+)=(\"[^\"]*\"|\\S+)").matcher(instruction("ENV"));
        while (matcher.find()) {
            env.put(matcher.group(1), matcher.group(2).replace("\"", ""));
        }
        return env;
    }

    @Test
    void buildsWithMavenOnTemurin17AndRunsOnTheTemurin25JreWithG1AndCompactHeadersAsANonRootUser() {
        List<String> stages = Pattern.compile("(?m)^FROM\\s+(\\S+)").matcher(text).results().map(m -> m.group(1)).toList();
        assertThat(stages).containsExactly("maven:3.9.11-eclipse-temurin-17", "eclipse-temurin:25-jre");
        assertThat(instruction("RUN --mount=type=cache,target=/root/.m2 mvn")).contains("-pl server -am package");
        assertThat(instruction("COPY --from=build")).isEqualTo("/src/server/target/parley-server.jar /app/parley-server.jar");
        assertThat(instruction("USER")).isEqualTo("parley").isNotEqualTo("root");
        assertThat(instruction("EXPOSE")).isEqualTo("8080");
        assertThat(env()).containsEntry("PARLEY_PORT", "8080");
        assertThat(env().get("JAVA_TOOL_OPTIONS")).contains("-XX:+UseG1GC", "-XX:+UseCompactObjectHeaders",
                "-XX:InitialRAMPercentage=75");
    }

    @Test
    void itsEntrypointStartsAServerThatItsHealthcheckFindsHealthy() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Map<String, String> env = env();
        if (Runtime.version().feature() < IMAGE_RUNTIME) {
            // The image's flags are for its Temurin 25; a test JVM of 17 does not know the newer ones.
            env.put("JAVA_TOOL_OPTIONS", "-XX:+IgnoreUnrecognizedVMOptions " + env.get("JAVA_TOOL_OPTIONS"));
        }
        env.put("PARLEY_PORT", Integer.toString(port));
        env.put("PARLEY_HOST", "127.0.0.1");
        env.put("PARLEY_WARM_UP_MESSAGES", "0");
        List<String> healthcheck = execForm(instruction("HEALTHCHECK"));
        assertThat(run(healthcheck, env)).as("nothing is listening yet").isNotZero();
        try (ServerProcess server = ServerProcess.start(execForm(instruction("ENTRYPOINT")), env)) {
            server.awaitListening();
            await().atMost(java.time.Duration.ofSeconds(30)).until(() -> run(healthcheck, env) == 0);
            assertThat(server.terminate()).isZero();
        }
    }

    private static int run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }
}
