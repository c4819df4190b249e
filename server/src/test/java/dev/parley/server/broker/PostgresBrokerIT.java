package dev.parley.server.broker;

import dev.parley.server.store.Database;
import dev.parley.server.store.DatabaseUrl;
import dev.parley.testing.PostgresExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * {@link PostgresBroker} against the {@link BrokerContract}, on a real PostgreSQL: one server for
 * the class, a new database for each broker, so that every test starts with no rooms.
 */
class PostgresBrokerIT extends BrokerContract {
    private static final AtomicInteger DATABASES = new AtomicInteger();
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
        Database database = Database.open(new Database.Settings(DatabaseUrl.parse(url), 4, 2000), new SimpleMeterRegistry());
        PostgresBroker broker = new PostgresBroker(database, clock, new SimpleMeterRegistry(), false);
        opened.add(broker);
        opened.add(database);
        return broker;
    }

    @Override
    boolean keepsEverything() {
        return true;
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
