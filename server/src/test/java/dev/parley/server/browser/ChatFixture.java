package dev.parley.server.browser;

import dev.parley.server.ParleyServer;
import dev.parley.server.config.ServerConfig;
import dev.parley.testing.TcpProxy;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a browser test class runs against, as a JUnit extension on a static field:
 * {@code @RegisterExtension static final ChatFixture FIXTURE = ChatFixture.server(config -> config)}.
 * Before the class it starts a real {@link ParleyServer} on a free loopback port; after each test
 * it fails the test if a browser's console reported an error (CSP violations included) that the
 * class did not expect; after the class it quits the browsers, closes the proxies and stops the
 * server.
 */
final class ChatFixture implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
    private final UnaryOperator<ServerConfig.Builder> tune;
    private final Predicate<String> expectedErrors;
    private final List<AutoCloseable> started = new ArrayList<>();
    private final List<Browser> browsers = new ArrayList<>();
    private ParleyServer server;

    private ChatFixture(UnaryOperator<ServerConfig.Builder> tune, Predicate<String> expectedErrors) {
        this.tune = tune;
        this.expectedErrors = expectedErrors;
    }

    /** A server with the rate limit raised, so that tests can fill rooms quickly; {@code tune} changes anything else. */
    static ChatFixture server(UnaryOperator<ServerConfig.Builder> tune) {
        return new ChatFixture(tune, error -> false);
    }

    /** The same fixture, but console errors that match {@code expected} do not fail a test. */
    ChatFixture expectingConsoleErrors(Predicate<String> expected) {
        return new ChatFixture(tune, expected);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server = ParleyServer.start(tune.apply(ServerConfig.builder()
                .with("--host", "127.0.0.1").with("--port", 0).with("--rate-per-sec", 10_000)
                .with("--warm-up-messages", 0)
                .with("--burst", 10_000)).build());
    }

    ParleyServer server() {
        return server;
    }

    /** The server's WebSocket, for Java clients. */
    URI socket() {
        return server.webSocketUri();
    }

    /** The chat page of the server, with {@code query} (such as {@code "backoff=50"}) if not empty. */
    URI page(String query) {
        return URI.create(server.httpUri() + (query.isEmpty() ? "" : "?" + query));
    }

    Browser launch(int width, int height) {
        Browser browser = track(Chromium.launch(width, height));
        browsers.add(browser);
        return browser;
    }

    /** A proxy in front of the server, whose connections the test can cut. */
    TcpProxy proxy() {
        return track(TcpProxy.to(server.address()));
    }

    private <T extends AutoCloseable> T track(T resource) {
        started.add(resource);
        return resource;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        for (int i = 0; i < browsers.size(); i++) {
            assertThat(browsers.get(i).consoleErrors()).as("console of browser %d", i + 1)
                    .filteredOn(expectedErrors.negate()).isEmpty();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        RuntimeException failure = null;
        for (int i = started.size() - 1; i >= 0; i--) {
            AutoCloseable resource = started.get(i);
            try {
                resource.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("could not close " + resource, e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (server != null) {
            server.close();
        }
        if (failure != null) {
            throw failure;
        }
    }
}
