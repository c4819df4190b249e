package dev.parley.server.broker;

import dev.parley.protocol.ServerEvent;
import dev.parley.server.backend.UnavailableException;
import dev.parley.server.store.Database;
import dev.parley.server.store.DatabaseUrl;
import dev.parley.testing.PostgresExtension;
import dev.parley.testing.PostgresServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * {@link PostgresBroker} against the {@link BrokerContract}, on a real PostgreSQL: one server for
 * the class, a new database for each broker, so that every test starts with no rooms.
 */
class PostgresBrokerIT extends BrokerContract {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    /** The database timeout T, which the node gives the OutageBroker too. */
    private static final long TIMEOUT_MS = 2000;
    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeBrokers() throws Exception {
        for (AutoCloseable closeable : opened) {
            closeable.close();
        }
    }

    @Override
    Broker open(int historySize, LongSupplier clock) {
        String url = POSTGRES.server().createDatabase("contract_" + DATABASES.incrementAndGet());
        Database database = Database.open(new Database.Settings(DatabaseUrl.parse(url), 4, TIMEOUT_MS), new SimpleMeterRegistry());
        PostgresBroker broker = new PostgresBroker(database, clock, new SimpleMeterRegistry(), false);
        opened.add(broker);
        opened.add(database);
        return broker;
    }

    @Override
    boolean keepsEverything() {
        return true;
    }

    /**
     * A frozen database (SIGSTOP: connections open, nothing answers) and a stopped one: marking and
     * counting fail with unavailable within T (plus a margin for a loaded machine), and work again
     * once the database is back, the marker kept. (The writes tried meanwhile change nothing: one
     * answered unavailable may still be applied once the database answers.)
     */
    @Test
    void readMarkersAndCountsFailUnavailableWithinTheDeadlineWhileTheDatabaseIsFrozenOrStopped() {
        OutageBroker broker = new OutageBroker(open(50, System::currentTimeMillis), TIMEOUT_MS, 50);
        opened.add(0, broker);
        broker.listen(new IgnoringListener());
        broker.publish("r", "alice", "one", null).join();
        broker.publish("r", "alice", "two", null).join();
        broker.markRead("bob", "r", 1).join();
        PostgresServer postgres = POSTGRES.server();
        postgres.pause();
        try {
            assertUnavailableWithinTheDeadline(broker);
        } finally {
            postgres.resume();
        }
        postgres.stop();
        try {
            assertUnavailableWithinTheDeadline(broker);
        } finally {
            postgres.restart();
        }
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> broker.unread("bob").join().equals(List.of(new ServerEvent.UnreadRoom("r", 1, 1, 0))));
        assertThat(broker.markRead("bob", "r", 2).join()).hasValue(2);
    }

    private static void assertUnavailableWithinTheDeadline(Broker broker) {
        long start = System.nanoTime();
        CompletableFuture<?> marked = broker.markRead("bob", "r", 1);
        CompletableFuture<?> counted = broker.unread("bob");
        CompletableFuture<?> forgotten = broker.forget("bob", "elsewhere");
        Map<String, CompletableFuture<?>> answers = Map.of("markRead", marked, "unread", counted, "forget", forgotten);
        answers.forEach((call, answer) -> assertThat(catchThrowable(answer::join)).as(call).hasCauseInstanceOf(UnavailableException.class));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(TIMEOUT_MS + 1500));
    }

    /** The same contract through the {@link OutageBroker} the node puts over it. */
    @Nested
    class UnderItsOutageBroker extends BrokerContract {
        @Override
        Broker open(int historySize, LongSupplier clock) {
            OutageBroker broker = new OutageBroker(PostgresBrokerIT.this.open(historySize, clock), 2000, historySize);
            opened.add(0, broker); // closed first; closing the durable one again does nothing
            return broker;
        }

        @Override
        boolean keepsEverything() {
            return true;
        }
    }
}
