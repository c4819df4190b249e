package dev.parley.server;

import dev.parley.server.config.Settings;
import dev.parley.server.config.ServerConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.parley.server.http.HealthHandler;
import dev.parley.server.http.ReadyHandler;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deployment examples cannot drift from the server: compose.yaml, deploy/haproxy.cfg and
 * deploy/kubernetes.yaml are read and their ports, probe paths, environment variables, grace
 * periods and the addresses of Redis and PostgreSQL checked against the server's own options and defaults (the environment goes through the
 * same command line a node parses).
 */
class DeploymentFilesTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final ObjectReader YAML = new YAMLMapper().readerFor(JsonNode.class);
    /** After the drain and the grace period the server still releases its event loops: a few seconds. */
    private static final long RELEASE_MS = 5_000;

    /** A node's configuration from its environment, parsed as {@code parley-server} parses it. */
    private static ServerConfig configFrom(Map<String, String> env) {
        CommandLine commandLine = Main.commandLine(env::get);
        Set<String> variables = commandLine.getCommandSpec().options().stream()
                .filter(Settings::isSetting).map(Settings::variable)
                .collect(Collectors.toSet());
        env.keySet().stream().filter(name -> name.startsWith("PARLEY_"))
                .forEach(name -> assertThat(variables).as("%s is a server option's variable", name).contains(name));
        commandLine.parseArgs();
        return ((Main) commandLine.getCommand()).config();
    }

    private static JsonNode read(String file) throws IOException {
        return YAML.readValue(ROOT.resolve(file).toFile());
    }

    private static List<JsonNode> readAll(String file) throws IOException {
        return YAML.<JsonNode>readValues(ROOT.resolve(file).toFile()).readAll();
    }

    private static Map<String, String> envOf(JsonNode env) {
        Map<String, String> map = new LinkedHashMap<>();
        if (env.isArray()) {
            env.forEach(e -> map.put(e.get("name").asText(), e.path("value").asText()));
        } else {
            env.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        }
        return map;
    }

    /** A compose env_file: KEY=VALUE lines, # comments. */
    private static Map<String, String> envFile(String file) throws IOException {
        Map<String, String> map = new LinkedHashMap<>();
        for (String line : Files.readAllLines(ROOT.resolve(file))) {
            int eq = line.indexOf('=');
            if (!line.isBlank() && !line.startsWith("#") && eq > 0) {
                map.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        return map;
    }

    private static long stopMs(ServerConfig config) {
        return config.drainDelayMs() + config.shutdownGraceMs() + RELEASE_MS;
    }

    @Test
    void kubernetesProbesPortsAndGracePeriodMatchTheServer() throws IOException {
        List<JsonNode> docs = readAll("deploy/kubernetes.yaml");
        JsonNode pod = docs.stream().filter(d -> d.path("kind").asText().equals("Deployment")
                && d.at("/metadata/name").asText().equals("parley")).findFirst().orElseThrow().at("/spec/template/spec");
        JsonNode container = pod.get("containers").get(0);
        Map<String, String> env = kubernetesEnv(container.get("env"), docs);
        ServerConfig config = configFrom(env);

        JsonNode port = container.get("ports").get(0);
        assertThat(port.get("containerPort").asInt()).as("the port the server listens on").isEqualTo(config.port());
        String portName = port.get("name").asText();
        JsonNode readiness = container.get("readinessProbe");
        JsonNode liveness = container.get("livenessProbe");
        assertThat(readiness.at("/httpGet/path").asText()).isEqualTo(ReadyHandler.PATH);
        assertThat(readiness.at("/httpGet/port").asText()).isEqualTo(portName);
        assertThat(liveness.at("/httpGet/path").asText()).isEqualTo(HealthHandler.PATH);
        assertThat(liveness.at("/httpGet/port").asText()).isEqualTo(portName);

        assertThat(pod.get("terminationGracePeriodSeconds").asLong() * 1000).as("no SIGKILL in the middle of a stop")
                .isGreaterThan(stopMs(config));
        assertThat(readiness.get("periodSeconds").asLong() * readiness.get("failureThreshold").asLong() * 1000)
                .as("not ready well before the sessions close").isLessThan(config.drainDelayMs());
        assertThat(liveness.get("periodSeconds").asLong() * liveness.get("failureThreshold").asLong() * 1000)
                .as("liveness never kills a node that is stopping").isGreaterThan(stopMs(config));
        assertThat(config.keepPresenceOnStop()).as("a rolling update is no wave of leaves and joins").isTrue();

        JsonNode service = docs.stream().filter(d -> d.path("kind").asText().equals("Service")
                && d.at("/metadata/name").asText().equals("parley")).findFirst().orElseThrow();
        assertThat(service.at("/spec/ports/0/targetPort").asText()).isEqualTo(portName);
        Map<String, Integer> services = docs.stream().filter(d -> d.path("kind").asText().equals("Service"))
                .collect(HashMap<String, Integer>::new, (m, s) -> m.put(s.at("/metadata/name").asText(),
                        s.at("/spec/ports/0/port").asInt()), Map::putAll);
        assertReaches(env.get("PARLEY_REDIS_URI"), services);
    }

    @Test
    void kubernetesPodsReadTheDatabaseUrlFromASecretAndItReachesTheExamplePostgres() throws IOException {
        List<JsonNode> docs = readAll("deploy/kubernetes.yaml");
        JsonNode container = docs.stream().filter(d -> d.path("kind").asText().equals("Deployment")
                && d.at("/metadata/name").asText().equals("parley")).findFirst().orElseThrow()
                .at("/spec/template/spec/containers/0");
        JsonNode databaseUrl = entry(container.get("env"), "PARLEY_DATABASE_URL");
        assertThat(databaseUrl.has("value")).as("a URL with a password is no plain value").isFalse();
        assertThat(databaseUrl.at("/valueFrom/secretKeyRef").isObject()).as("the URL is a Secret's").isTrue();
        String url = configFrom(kubernetesEnv(container.get("env"), docs)).databaseUrl();

        JsonNode postgres = docs.stream().filter(d -> d.path("kind").asText().equals("StatefulSet")
                && d.at("/metadata/name").asText().equals("parley-postgres")).findFirst().orElseThrow();
        JsonNode database = postgres.at("/spec/template/spec/containers/0");
        assertThat(database.get("image").asText()).startsWith("postgres:");
        assertThat(postgres.at("/spec/volumeClaimTemplates/0/metadata/name").asText())
                .as("the history is on a volume").isEqualTo(database.at("/volumeMounts/0/name").asText());
        assertThat(database.at("/readinessProbe/exec/command/0").asText()).isEqualTo("pg_isready");
        JsonNode service = docs.stream().filter(d -> d.path("kind").asText().equals("Service")
                && d.at("/metadata/name").asText().equals("parley-postgres")).findFirst().orElseThrow();
        assertReaches(url, Map.of("parley-postgres", service.at("/spec/ports/0/port").asInt()));
        assertOpens(url, kubernetesEnv(database.get("env"), docs));
    }

    @Test
    void composeNodesProxyRedisAndPostgresFitTogether() throws IOException {
        JsonNode services = read("compose.yaml").get("services");
        JsonNode proxy = services.get("haproxy");
        Map<String, String> proxyEnv = envOf(proxy.get("environment"));
        Set<String> nodes = new TreeSet<>();
        Map<String, Integer> redis = Map.of("redis", 6379);
        JsonNode postgres = services.get("postgres");
        assertThat(postgres.get("image").asText()).startsWith("postgres:");
        String volume = postgres.get("volumes").get(0).asText();
        assertThat(volume).as("the history is on a volume").endsWith(":/var/lib/postgresql/data");
        assertThat(read("compose.yaml").get("volumes").has(volume.substring(0, volume.indexOf(':')))).isTrue();
        assertThat(postgres.at("/healthcheck/test").toString()).contains("pg_isready");
        for (String name : List.of("node1", "node2", "node3")) {
            JsonNode node = services.get(name);
            assertThat(node).as(name).isNotNull();
            Map<String, String> env = envFile(node.get("env_file").asText());
            ServerConfig config = configFrom(env);
            assertThat(Duration.parse("PT" + node.get("stop_grace_period").asText().toUpperCase()).toMillis())
                    .as("no SIGKILL in the middle of %s's stop", name).isGreaterThan(stopMs(config));
            assertReaches(env.get("PARLEY_REDIS_URI"), redis);
            assertReaches(config.databaseUrl(), Map.of("postgres", 5432));
            assertOpens(config.databaseUrl(), envOf(postgres.get("environment")));
            assertThat(node.at("/depends_on/postgres/condition").asText()).as("%s starts once PostgreSQL answers", name)
                    .isEqualTo("service_healthy");
            nodes.add(name + ":" + config.port());
            assertThat(config.drainDelayMs()).as("the proxy's checks notice before sessions close")
                    .isGreaterThan(HaProxyConfig.read().checkIntervalMs() * HaProxyConfig.read().fall());
            assertThat(config.keepPresenceOnStop()).as("a restart of %s is no wave of leaves and joins", name).isTrue();
        }
        assertThat(new TreeSet<>(List.of(proxyEnv.get("PARLEY_NODE1"), proxyEnv.get("PARLEY_NODE2"),
                proxyEnv.get("PARLEY_NODE3")))).isEqualTo(nodes);
        assertThat(proxy.get("volumes").get(0).asText()).startsWith("./deploy/haproxy.cfg:");
        assertThat(HaProxyConfig.read().variables()).isEqualTo(new TreeSet<>(proxyEnv.keySet()));
        String bindPort = proxyEnv.get("PARLEY_PROXY_BIND").replaceAll(".*:", "");
        assertThat(proxy.get("ports").get(0).asText()).endsWith(":" + bindPort);
    }

    @Test
    void composeRedisClusterProfileMakesOneClusterOfItsSixRedisAndItsNodesUseIt() throws IOException {
        JsonNode services = read("compose.yaml").get("services");
        Set<String> redis = new TreeSet<>();
        services.fields().forEachRemaining(s -> {
            if (s.getValue().path("image").asText().startsWith("redis:") && !s.getKey().equals("redis-cluster-create")
                    && s.getValue().path("profiles").toString().contains("redis-cluster")) {
                redis.add(s.getKey());
                assertThat(s.getValue().get("command").toString()).contains("\"--cluster-enabled\",\"yes\"");
            }
        });
        assertThat(redis).as("three masters and three replicas").hasSize(6);
        JsonNode create = services.get("redis-cluster-create");
        assertThat(create.get("command").toString()).contains("--cluster-replicas 1");
        redis.forEach(name -> {
            assertThat(create.get("command").toString()).contains(name);
            assertThat(create.at("/depends_on/" + name + "/condition").asText()).isEqualTo("service_healthy");
        });
        Set<String> nodes = new TreeSet<>();
        for (String name : List.of("cnode1", "cnode2", "cnode3")) {
            JsonNode node = services.get(name);
            assertThat(node.get("profiles").toString()).contains("redis-cluster");
            assertThat(node.at("/depends_on/redis-cluster-create/condition").asText())
                    .isEqualTo("service_completed_successfully");
            Map<String, String> env = envFile(node.get("env_file").asText());
            assertThat(env).containsEntry("PARLEY_REDIS_CLUSTER", "true");
            ServerConfig config = configFrom(env);
            assertThat(config.databaseUrl()).as("a cluster of its own beside the default nodes' database").isNull();
            List<String> seeds = List.of(config.redisUri().split(","));
            assertThat(seeds).hasSize(6);
            seeds.forEach(seed -> assertReaches(seed, redis.stream().collect(Collectors.toMap(r -> r, r -> 6379))));
            nodes.add(name + ":" + config.port());
        }
        Map<String, String> proxyEnv = envOf(services.get("haproxy-cluster").get("environment"));
        assertThat(new TreeSet<>(List.of(proxyEnv.get("PARLEY_NODE1"), proxyEnv.get("PARLEY_NODE2"),
                proxyEnv.get("PARLEY_NODE3")))).isEqualTo(nodes);
        assertThat(HaProxyConfig.read().variables()).isEqualTo(new TreeSet<>(proxyEnv.keySet()));
    }

    @Test
    void kubernetesShowsRedisClusterSettingsTheServerTakes() throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(ROOT.resolve("deploy/kubernetes.yaml"))) {
            Matcher shown = Pattern.compile("^\\s*#\\s+- (\\{name: PARLEY_.*})$").matcher(line);
            if (shown.matches()) {
                JsonNode entry = YAML.readValue(shown.group(1));
                env.put(entry.get("name").asText(), entry.get("value").asText());
            }
        }
        assertThat(env).containsEntry("PARLEY_REDIS_CLUSTER", "true").containsKey("PARLEY_REDIS_URI");
        ServerConfig config = configFrom(env);
        assertThat(config.redisUri().split(",")).as("seeds (the server takes several only for a cluster)")
                .hasSizeGreaterThan(1);
    }

    @Test
    void haproxyChecksReadinessAndNeverCutsADrainingNodesSessions() throws IOException {
        HaProxyConfig cfg = HaProxyConfig.read();
        assertThat(cfg.text()).contains("option httpchk GET " + ReadyHandler.PATH).contains("http-check expect status 200")
                .doesNotContain("on-marked-down");
        assertThat(cfg.text()).as("WebSocket tunnels outlive the server's idle timeout, so only dead peers time out")
                .containsPattern("timeout tunnel +" + (ServerConfig.builder().build().idleTimeoutMs() / 1000 + 5) + "s");
    }

    /** The host and port of {@code uri} (Redis, the database) are one of {@code services} (name to port). */
    private static void assertReaches(String uri, Map<String, Integer> services) {
        URI where = URI.create(uri);
        assertThat(services).as("the service named in %s", where.getHost()).containsEntry(where.getHost(), where.getPort());
    }

    /** The database {@code url} logs into is the one the official image makes from {@code env}. */
    private static void assertOpens(String url, Map<String, String> env) {
        URI database = URI.create(url);
        assertThat(database.getUserInfo()).isEqualTo(env.get("POSTGRES_USER") + ":" + env.get("POSTGRES_PASSWORD"));
        assertThat(database.getPath()).isEqualTo("/" + env.get("POSTGRES_DB"));
    }

    /** A container's environment, each value from a Secret ({@code secretKeyRef}) read from {@code docs}. */
    private static Map<String, String> kubernetesEnv(JsonNode env, List<JsonNode> docs) {
        Map<String, String> map = envOf(env);
        env.forEach(e -> {
            JsonNode ref = e.at("/valueFrom/secretKeyRef");
            if (ref.isObject()) {
                JsonNode secret = docs.stream().filter(d -> d.path("kind").asText().equals("Secret")
                        && d.at("/metadata/name").asText().equals(ref.get("name").asText())).findFirst().orElseThrow();
                map.put(e.get("name").asText(), secret.at("/stringData/" + ref.get("key").asText()).asText());
            }
        });
        return map;
    }

    private static JsonNode entry(JsonNode env, String name) {
        for (JsonNode e : env) {
            if (e.get("name").asText().equals(name)) {
                return e;
            }
        }
        throw new AssertionError(name + " is not set");
    }

    /** The parts of deploy/haproxy.cfg the other files must agree with. */
    private record HaProxyConfig(String text) {
        static HaProxyConfig read() throws IOException {
            return new HaProxyConfig(Files.readString(ROOT.resolve("deploy/haproxy.cfg")));
        }

        Set<String> variables() {
            Set<String> names = new TreeSet<>();
            Matcher m = Pattern.compile("\"\\$\\{([A-Z0-9_]+)}\"").matcher(text);
            while (m.find()) {
                names.add(m.group(1));
            }
            return names;
        }

        long checkIntervalMs() {
            return Long.parseLong(find("default-server .*\\binter (\\d+)s")) * 1000;
        }

        long fall() {
            return Long.parseLong(find("default-server .*\\bfall (\\d+)"));
        }

        private String find(String regex) {
            Matcher m = Pattern.compile(regex).matcher(text);
            assertThat(m.find()).as(regex).isTrue();
            return m.group(1);
        }
    }
}
