package dev.parley.client;

import dev.parley.protocol.ErrorCode;
import dev.parley.server.ParleyServer;
import dev.parley.server.config.ServerConfig;
import dev.parley.testing.Jwts;
import dev.parley.testing.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/** The library on a server with auth: the token supplier for hello, reconnects and refreshes. */
class TokenIT {
    private ParleyServer server;
    private TcpProxy proxy;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final List<Disconnect> disconnects = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        server = ParleyServer.start(ServerConfig.builder().with("--host", "127.0.0.1").with("--port", 0).with("--warm-up-messages", 0)
                .with("--jwt-hmac-secret", Jwts.SECRET).build());
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable resource : resources) {
            resource.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        server.close();
    }

    @Test
    void withoutATokenHelloIsRefused() {
        Throwable failure = catchThrowable(() -> ParleyClient.connect(server.webSocketUri(),
                ClientOptions.builder("anon").build()).orTimeout(10, TimeUnit.SECONDS).join());
        assertThat(failure).isInstanceOf(CompletionException.class).hasCauseInstanceOf(ParleyException.class);
        assertThat(((ParleyException) failure.getCause()).code()).isEqualTo(ErrorCode.UNAUTHORIZED);
    }

    @Test
    void refreshesBeforeExpirySoTheServerNeverCloses() {
        AtomicInteger calls = new AtomicInteger();
        // The first token expired 1 s ago (inside the server's 5 s leeway): without a refresh the
        // server closes the session with 4003 at most 4 s after hello.
        ClientOptions options = ClientOptions.builder("renewer")
                .tokenSupplier(() -> Jwts.hs256("renewer", Duration.ofSeconds(calls.getAndIncrement() == 0 ? -1 : 2)))
                .listener(new ParleyListener() {
                    @Override
                    public void onDisconnected(Disconnect disconnect) {
                        disconnects.add(disconnect);
                    }
                })
                .build();
        ParleyClient client = ParleyClient.connect(server.webSocketUri(), options).orTimeout(10, TimeUnit.SECONDS).join();
        resources.add(client);
        assertThat(client.welcome().exp()).isNotNull();
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(9)).until(disconnects::isEmpty);
        assertThat(calls.get()).as("hello, then refreshes").isGreaterThanOrEqualTo(3);
        assertThat(client.ping().orTimeout(10, TimeUnit.SECONDS).join()).isNotNull();
    }

    @Test
    void everyReconnectAsksTheSupplierForAToken() {
        proxy = TcpProxy.to(server.address());
        AtomicInteger calls = new AtomicInteger();
        ParleyClient client = ParleyClient.connect(proxy.rewrite(server.webSocketUri()), ClientOptions.builder("again")
                .tokenSupplier(() -> {
                    calls.incrementAndGet();
                    return Jwts.hs256("again", Duration.ofMinutes(5));
                })
                .reconnect(ReconnectPolicy.exponential(Duration.ofMillis(50), Duration.ofMillis(500)))
                .build()).orTimeout(10, TimeUnit.SECONDS).join();
        resources.add(client);
        assertThat(calls.get()).isEqualTo(1);
        proxy.cutAll();
        await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() >= 2 && client.state() == ConnectionState.CONNECTED);
        assertThat(client.ping().orTimeout(10, TimeUnit.SECONDS).join()).isNotNull();
    }
}
