package dev.parley.server.browser;

import dev.parley.server.ParleyServer;
import dev.parley.server.ServerConfig;
import dev.parley.testing.TcpProxy;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * What a browser test class runs against: a real {@link ParleyServer} on a free loopback port,
 * and the browsers and proxies the class starts. Closing it quits the browsers, closes the
 * proxies, then stops the server.
 */
final class ChatFixture implements AutoCloseable {
    private final ParleyServer server;
    private final List<AutoCloseable> started = new ArrayList<>();

    private ChatFixture(ParleyServer server) {
        this.server = server;
    }

    /** Starts a server. The rate limit is raised so that tests can fill rooms quickly; {@code tune} changes anything else. */
    static ChatFixture start(UnaryOperator<ServerConfig.Builder> tune) {
        return new ChatFixture(ParleyServer.start(tune.apply(ServerConfig.builder()
                .host("127.0.0.1").port(0).ratePerSec(10_000).burst(10_000)).build()));
    }

    ParleyServer server() {
        return server;
    }

    /** The chat page of the server, with {@code query} (such as {@code "backoff=50"}) if not empty. */
    URI page(String query) {
        return URI.create(server.httpUri() + (query.isEmpty() ? "" : "?" + query));
    }

    Browser launch(int width, int height) {
        return track(Chromium.launch(width, height));
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
    public void close() {
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
        server.close();
        if (failure != null) {
            throw failure;
        }
    }
}
