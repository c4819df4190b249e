package dev.parley.server.node;

import dev.parley.protocol.ServerEvent;
import dev.parley.server.broker.IgnoringListener;
import dev.parley.server.store.Database;
import dev.parley.server.store.DatabaseUrl;
import dev.parley.testing.PostgresExtension;
import dev.parley.testing.PostgresServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.DefaultEventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link Backend#close()} called on an event loop, as the stop's last step may be, with the durable
 * broker's writer in the middle of a transaction: the close waits for the writer off the loop, so
 * the loop goes on running tasks, and the transaction under way is finished.
 */
class BackendCloseIT {
    private static final Duration WITHIN = Duration.ofSeconds(20);

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private final DefaultEventLoop loop = new DefaultEventLoop();

    @AfterEach
    void stopLoop() {
        loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void closeOnAnEventLoopLeavesTheLoopFreeWhileTheWriterFinishesItsTransaction() throws Exception {
        PostgresServer postgres = POSTGRES.server();
        Backend.Settings settings = new Backend.Settings(null, false, 10, 0, 0, 0, 0, 0,
                new Database.Settings(DatabaseUrl.parse(postgres.url()), 4, 10_000), 0, 0, false);
        Backend backend = Backend.open(settings, System::currentTimeMillis, new SimpleMeterRegistry()).get(30, TimeUnit.SECONDS);
        backend.broker().listen(new IgnoringListener());
        try (Connection holder = postgres.connect(PostgresServer.DATABASE)) {
            holder.setAutoCommit(false);
            try (PreparedStatement lock = holder.prepareStatement("insert into rooms (room) values ('held')")) {
                lock.executeUpdate(); // the writer's transaction waits for this row until the holder commits
            }
            CompletableFuture<ServerEvent.Message> published = backend.broker().publish("held", "alice", "in flight", null);
            await().atMost(WITHIN).until(() -> postgres.sessionsWaitingForALock() == 1);

            CompletableFuture<Void> closed = loop.submit(backend::close).get(5, TimeUnit.SECONDS);
            assertThat(loop.submit(() -> "the loop runs tasks").get(5, TimeUnit.SECONDS)).isNotNull();
            assertThat(closed).as("the close waits for the writer's transaction").isNotDone();

            holder.commit();
            closed.get(30, TimeUnit.SECONDS);
            assertThat(published.get(1, TimeUnit.SECONDS).offset()).as("the transaction under way was finished").isEqualTo(1);
        }
    }
}
