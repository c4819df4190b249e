package dev.parley.server.store;

import dev.parley.protocol.ServerEvent;
import dev.parley.testing.PostgresExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The webhook outbox against a real PostgreSQL: the writer's rows in the events' transactions, in
 * each room's offset order and only for the types kept; the lanes found however many rows wait;
 * a lane's lease held by one node until it lets go or it expires.
 */
class WebhookOutboxIT {
    private static final long TIMEOUT_S = 10;

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private static Database open(String name, Set<String> types) {
        return Database.open(new Database.Settings(DatabaseUrl.parse(POSTGRES.server().createDatabase(name)), 4, 2000,
                types), new SimpleMeterRegistry());
    }

    private static <T> T done(CompletableFuture<T> future) throws Exception {
        return future.get(TIMEOUT_S, TimeUnit.SECONDS);
    }

    @Test
    void theWriterAddsTheKeptTypesRowsInEachRoomsOrderAndALaneGoesToOneHolderAtATime() throws Exception {
        AtomicLong time = new AtomicLong(1_000);
        try (Database database = open("outbox_rows", Set.of(Webhook.MESSAGE_CREATED, Webhook.MEMBER_JOINED));
             GroupCommitWriter writer = new GroupCommitWriter(database, time::incrementAndGet, (epoch, event) -> { }, 20,
                     new SimpleMeterRegistry())) {
            WebhookOutbox outbox = WebhookOutbox.of(database);
            for (int i = 1; i <= 3; i++) {
                for (String room : List.of("east", "west")) {
                    writer.append(NewEvent.message(room, "ann", room + " " + i, null, null));
                }
            }
            done(writer.append(NewEvent.edit("east", "ann", 1, "edited")));
            done(outbox.add(Webhook.member(Webhook.MEMBER_JOINED, "east", "bob", 5)));

            assertThat(done(outbox.lanes("", 10)).lanes()).containsExactly("room:east", "room:west");
            assertThat(done(outbox.lanes("", 2)).next()).as("a full look goes on from its last").isEqualTo("room:west");
            assertThat(done(outbox.lanes("room:east", 10))).isEqualTo(new WebhookLanes.Look(List.of("room:west"), ""));
            assertThat(done(outbox.size())).as("no row for the edit, a type not kept").isEqualTo(7);

            assertThat(done(outbox.lease("room:east", "node-a", 60_000))).isTrue();
            assertThat(done(outbox.lease("room:east", "node-b", 60_000))).as("held by a").isFalse();
            assertThat(done(outbox.lease("room:east", "node-a", 60_000))).as("renewed").isTrue();
            StringBuilder delivered = new StringBuilder();
            for (Optional<WebhookLanes.Row> head = done(outbox.head("room:east")); head.isPresent();
                 head = done(outbox.head("room:east"))) {
                delivered.append(head.get().body().contains("member.joined") ? "joined" : head.get().body()
                        .replaceAll(".*\"text\":\"([^\"]*)\".*", "$1")).append(';');
                done(outbox.failed("room:east", head.get()));
                assertThat(done(outbox.head("room:east")).orElseThrow().attempts()).isEqualTo(1);
                done(outbox.delivered("room:east", head.get()));
            }
            assertThat(delivered).hasToString("east 1;east 2;east 3;joined;");
            assertThat(done(outbox.release("room:east", "node-a"))).as("empty").isTrue();
            assertThat(done(outbox.lease("room:east", "node-b", 60_000))).as("let go").isTrue();

            assertThat(done(outbox.lease("room:west", "node-a", 60_000))).isTrue();
            assertThat(done(outbox.release("room:west", "node-a"))).as("webhooks wait in it").isFalse();
            assertThat(done(outbox.lease("room:west", "node-b", 60_000))).as("still held by a").isFalse();
            assertThat(done(outbox.lease("room:west", "node-a", 1))).isTrue();
            await().atMost(Duration.ofSeconds(TIMEOUT_S))
                    .until(() -> done(outbox.lease("room:west", "node-b", 60_000)));
            assertThat(done(outbox.lease("room:west", "node-a", 60_000))).as("expired, taken by b").isFalse();
        }
    }

    @Test
    void withoutWebhookTypesThereIsNoOutboxAndTheWriterAddsNoRow() throws Exception {
        try (Database database = open("outbox_none", Set.of());
             GroupCommitWriter writer = new GroupCommitWriter(database, () -> 1, (epoch, event) -> { }, 20,
                     new SimpleMeterRegistry())) {
            assertThat(WebhookOutbox.of(database)).isNull();
            ServerEvent.RoomEvent stored = done(writer.append(NewEvent.message("r", "ann", "hi", null, null)))
                    .orElseThrow();
            assertThat(stored.offset()).isEqualTo(1);
            List<Long> rows = done(database.read(connection -> Rows.select(connection,
                    "select count(*) from webhook_outbox", row -> row.getLong(1))));
            assertThat(rows).containsExactly(0L);
        }
    }
}
