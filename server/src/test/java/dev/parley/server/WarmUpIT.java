package dev.parley.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.store.DatabaseUrl;
import dev.parley.testing.HookBackend;
import dev.parley.testing.PostgresExtension;
import dev.parley.testing.TestSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node runs its message path on a private copy of itself before {@code /readyz} says 200, and
 * nothing of that copy shows on the node: not in its metrics, rooms, webhooks, hook backends,
 * database or logs. The copy of a node with a publish and a connect hook asks a backend of its own.
 */
class WarmUpIT {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private final Logger parleyLogs = (Logger) LoggerFactory.getLogger("dev.parley");
    private final Logger warmUpLogs = (Logger) LoggerFactory.getLogger(WarmUp.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    WarmUpIT() {
        logged.start();
        parleyLogs.addAppender(logged);
    }

    @AfterEach
    void stopCapturing() {
        parleyLogs.detachAppender(logged);
        warmUpLogs.setLevel(null);
    }

    private static HttpResponse<String> get(ParleyServer server, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(server.httpUri().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private List<String> lines(Predicate<ILoggingEvent> which) {
        return new ArrayList<>(logged.list).stream().filter(which).map(ILoggingEvent::getFormattedMessage).toList();
    }

    private static boolean noWarmUpThreads() {
        return Thread.getAllStackTraces().keySet().stream().noneMatch(thread -> thread.getName().startsWith("parley-warm-up"));
    }

    /** The value of the metric without labels {@code name} in a scrape. */
    private static double metric(String scrape, String name) {
        return scrape.lines().filter(line -> line.startsWith(name + " ")).mapToDouble(line ->
                Double.parseDouble(line.substring(name.length() + 1))).findFirst().orElseThrow();
    }

    private static List<String> column(String databaseUrl, String query) throws SQLException {
        DatabaseUrl url = DatabaseUrl.parse(databaseUrl);
        try (Connection connection = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
             ResultSet rows = connection.createStatement().executeQuery(query)) {
            List<String> values = new ArrayList<>();
            while (rows.next()) {
                values.add(rows.getString(1));
            }
            return values;
        }
    }

    @Test
    void aNodeIsStartingUntilWarmAndKeepsNothingOfItsWarmUp() throws Exception {
        String database = POSTGRES.server().createDatabase("warm_up");
        try (WebhookBackend backend = WebhookBackend.start();
             ParleyServer server = TestServers.start(c -> c.with("--warm-up-messages", 2_000)
                     .with("--database-url", database).with("--hook-secret", WebhookBackend.SECRET)
                     .with("--webhook-url", backend.url()))) {
            HttpResponse<String> starting = get(server, "/readyz");
            assertThat(starting.statusCode()).isEqualTo(503);
            assertThat(starting.body()).isEqualTo("{\"status\":\"starting\"}");
            await().atMost(PATIENCE).until(() -> get(server, "/readyz").statusCode() == 200);
            await().atMost(PATIENCE).until(WarmUpIT::noWarmUpThreads);

            // the node's own first client, so that each place shows it and nothing else
            try (TestSocket alice = TestServers.member(server, "alice", "lobby")) {
                alice.request("ack", "type", "send", "room", "lobby", "text", "hello");
                JsonNode rooms = alice.request("rooms", "type", "rooms");
                assertThat(rooms.path("rooms").findValuesAsText("room")).containsExactly("lobby");
                assertThat(alice.request("members", "type", "who", "room", "warm-up-a").path("members")).isEmpty();
                assertThat(server.hub().activeRooms()).isEqualTo(1);

                await().atMost(PATIENCE).until(() -> backend.delivered("message.created", "text").contains("hello"));
                assertThat(backend.attempts()).allSatisfy(attempt -> assertThat(attempt.raw()).doesNotContain("warm-up"));
                assertThat(column(database, "select room from rooms")).containsExactly("lobby");
                assertThat(column(database, "select distinct sender from room_events")).containsExactly("alice");

                String metrics = get(server, "/metrics").body();
                assertThat(metrics).as("alice's connection, her five commands, her room")
                        .contains("parley_connections_total 1.0", "parley_frames_in_total 5.0", "parley_rooms_active 1.0");
                assertThat(metric(metrics, "parley_deliveries_total")).as("the warm-up's thousands not among them")
                        .isLessThan(10);
            }
        }
        assertThat(lines(event -> event.getLevel().isGreaterOrEqual(Level.INFO)))
                .as("the copy's start and stop, and its sessions, not at info")
                .noneMatch(line -> line.contains("warm-up"))
                .filteredOn(line -> line.contains("listening on")).hasSize(1);
        assertThat(lines(event -> event.getLoggerName().equals(WarmUp.class.getName())))
                .singleElement().asString().matches("warmed up in \\d+ ms \\(2000 messages\\)");
    }

    @Test
    void aNodeWithHooksWarmsThemUpAgainstABackendOfItsOwn() throws Exception {
        warmUpLogs.setLevel(Level.DEBUG);
        try (HookBackend backend = HookBackend.start();
             ParleyServer server = TestServers.start(c -> c.with("--warm-up-messages", 2_000)
                     .with("--hook-secret", WebhookBackend.SECRET).with("--publish-hook-url", backend.url())
                     .with("--connect-hook-url", backend.url()))) {
            await().atMost(PATIENCE).until(() -> get(server, "/readyz").statusCode() == 200);
            await().atMost(PATIENCE).until(WarmUpIT::noWarmUpThreads);
            assertThat(backend.pendingCalls()).as("the node's backend asked nothing by the warm-up").isZero();

            try (TestSocket alice = TestServers.member(server, "alice", "lobby")) {
                alice.request("ack", "type", "send", "room", "lobby", "text", "hello");
                assertThat(backend.nextCall().json().path("nick").asText()).isEqualTo("alice");
                assertThat(backend.nextCall().json().path("text").asText()).isEqualTo("hello");
                assertThat(backend.pendingCalls()).isZero();
                assertThat(get(server, "/metrics").body()).as("alice's send alone")
                        .containsPattern("parley_publish_hook_calls_total\\{outcome=\"accepted\"} 1.0");
            }
        }
        List<String> warmUp = lines(event -> event.getLoggerName().equals(WarmUp.class.getName()));
        assertThat(warmUp).anyMatch(line -> line.matches("warmed up in \\d+ ms \\(2000 messages\\)"));
        String answered = warmUp.stream().filter(line -> line.startsWith("warm-up: the hook backend answered "))
                .findFirst().orElseThrow();
        assertThat(Integer.parseInt(answered.replaceAll("\\D", ""))).as("its 2,000 sends asked, and its logins")
                .isGreaterThan(2_000);
    }

    @Test
    void aStopDuringTheWarmUpEndsItAndClosesEverything() throws Exception {
        warmUpLogs.setLevel(Level.DEBUG);
        ParleyServer server = TestServers.start(c -> c.with("--warm-up-messages", 10_000_000));
        try {
            await().atMost(PATIENCE).until(() -> !lines(event -> event.getFormattedMessage()
                    .startsWith("warm-up: messages 1 to 1000 ")).isEmpty());
            assertThat(get(server, "/readyz").statusCode()).isEqualTo(503);
            try (TestSocket bob = TestServers.member(server, "bob", "lobby")) {
                bob.request("ack", "type", "send", "room", "lobby", "text", "sessions are taken while warming up");
            }
        } finally {
            server.stop().get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        }
        await().atMost(PATIENCE).until(WarmUpIT::noWarmUpThreads);
        assertThat(lines(event -> event.getLoggerName().equals(WarmUp.class.getName())))
                .noneMatch(line -> line.startsWith("warmed up") || line.startsWith("warm-up failed"))
                .anyMatch(line -> line.startsWith("warm-up stopped after"));
    }
}
