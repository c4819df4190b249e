package dev.parley.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link PostgresServer} for a test class, started before its first test and closed after its
 * last: {@code @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();}
 * then {@code POSTGRES.server()}.
 */
public final class PostgresExtension implements BeforeAllCallback, AfterAllCallback {
    private PostgresServer server;

    @Override
    public void beforeAll(ExtensionContext context) {
        server = PostgresServer.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.close();
        }
    }

    /** The class's server; only once the class's tests run. */
    public PostgresServer server() {
        return server;
    }
}
