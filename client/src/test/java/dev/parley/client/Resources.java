package dev.parley.client;

import dev.parley.server.ParleyServer;
import dev.parley.server.config.ServerConfig;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.net.URI;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;

/**
 * What a test opened (a server, proxies, clients), closed after it, the last opened first. As a
 * {@code @RegisterExtension} instance field, it closes after each test by itself.
 */
final class Resources implements AutoCloseable, AfterEachCallback {
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    <T extends AutoCloseable> T add(T resource) {
        opened.push(resource);
        return resource;
    }

    /** A server on a free loopback port, with more options as flag and value pairs. */
    ParleyServer server(Object... flagsAndValues) {
        ServerConfig.Builder config = ServerConfig.builder().with("--host", "127.0.0.1").with("--port", 0)
                .with("--warm-up-messages", 0);
        for (int i = 0; i < flagsAndValues.length; i += 2) {
            config.with((String) flagsAndValues[i], flagsAndValues[i + 1]);
        }
        return add(ParleyServer.start(config.build()));
    }

    /** A client connected and welcomed within 10 s. */
    ParleyClient connect(URI uri, ClientOptions.Builder options) {
        return add(ParleyClient.connect(uri, options.build()).orTimeout(10, TimeUnit.SECONDS).join());
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        close();
    }

    /** Closes everything, the last opened first; the first failure is thrown once all are closed. */
    @Override
    public void close() throws Exception {
        Exception first = null;
        while (!opened.isEmpty()) {
            try {
                opened.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
