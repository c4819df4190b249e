package dev.parley.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The webhooks waiting for the backend with durable history: the table {@code webhook_outbox},
 * shared by the nodes of a cluster, and the leases ({@code webhook_leases}) that let one node at a
 * time deliver a lane, a room's webhooks one by one in their order. Rows of room events are added
 * in the {@link GroupCommitWriter}'s transactions, the others by small writes; a row goes once
 * the backend answered 2xx. Reads on the read threads, writes on the thread for small writes.
 */
public final class WebhookOutbox implements WebhookLanes {
    /** A node that dies leaves its lanes 30 s; looks are cheap (an index probe per lane), so new lanes wait little. */
    private static final Pace PACE = new Pace(30_000, 200);
    private static final String INSERT = """
            insert into webhook_outbox (lane, id, type, body)
            select * from unnest(?::text[], ?::text[], ?::text[], ?::text[])""";
    /** The lanes after a name (a loose index scan: one index probe per lane, however many rows wait). */
    private static final String LANES = """
            with recursive lanes(lane) as (
              (select lane from webhook_outbox where lane > ? order by lane limit 1)
              union all
              select (select o.lane from webhook_outbox o where o.lane > l.lane order by o.lane limit 1)
              from lanes l where l.lane is not null)
            select lane from lanes where lane is not null limit ?""";
    private static final String LEASE = """
            insert into webhook_leases (lane, holder, expires) values (?, ?, now() + ? * interval '1 millisecond')
            on conflict (lane) do update set holder = excluded.holder, expires = excluded.expires
            where webhook_leases.holder = excluded.holder or webhook_leases.expires < now()
            returning lane""";
    /** The lease let go when the lane is empty; whether it is. */
    private static final String RELEASE = """
            with gone as (delete from webhook_leases where lane = ? and holder = ?
                          and not exists (select 1 from webhook_outbox where lane = ?) returning lane)
            select not exists (select 1 from webhook_outbox where lane = ?)""";
    private static final String HEAD = """
            select seq, id, body, attempts, (extract(epoch from made) * 1000)::bigint from webhook_outbox
            where lane = ? order by seq limit 1""";

    private final Database database;

    private WebhookOutbox(Database database) {
        this.database = database;
    }

    /** The outbox in {@code database}; null when its settings name no webhook type. */
    public static WebhookOutbox of(Database database) {
        return database.settings().webhookTypes().isEmpty() ? null : new WebhookOutbox(database);
    }

    /** The lane of a webhook: its room's, or one of its own. */
    static String lane(Webhook webhook) {
        return webhook.room() != null ? "room:" + webhook.room() : "id:" + webhook.id();
    }

    @Override
    public Pace pace() {
        return PACE;
    }

    /** Adds {@code webhook} by a write of its own. */
    @Override
    public CompletableFuture<Void> add(Webhook webhook) {
        return database.write(connection -> {
            add(connection, List.of(webhook));
            return null;
        });
    }

    /** Adds {@code webhooks} in the transaction of {@code connection}, in their order. */
    static void add(Connection connection, List<Webhook> webhooks) throws SQLException {
        if (webhooks.isEmpty()) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(INSERT)) {
            EventStatements.bind(connection, statement, 1, webhooks, "text", WebhookOutbox::lane);
            EventStatements.bind(connection, statement, 2, webhooks, "text", Webhook::id);
            EventStatements.bind(connection, statement, 3, webhooks, "text", Webhook::type);
            EventStatements.bind(connection, statement, 4, webhooks, "text", Webhook::body);
            statement.executeUpdate();
        }
    }

    /** Up to {@code limit} lanes with waiting webhooks whose names come after {@code after}, in name order. */
    @Override
    public CompletableFuture<Look> lanes(String after, int limit) {
        return database.read(connection -> Rows.select(connection, LANES, row -> row.getString(1), after, limit))
                .thenApply(lanes -> new Look(lanes, lanes.size() < limit ? "" : lanes.get(lanes.size() - 1)));
    }

    @Override
    public CompletableFuture<Boolean> lease(String lane, String holder, long ms) {
        return database.write(connection -> !Rows.select(connection, LEASE, row -> row.getString(1), lane, holder, ms)
                .isEmpty());
    }

    @Override
    public CompletableFuture<Void> renew(String holder, long ms) {
        return update("update webhook_leases set expires = now() + ? * interval '1 millisecond' where holder = ?",
                ms, holder);
    }

    @Override
    public CompletableFuture<Void> releaseAll(String holder) {
        return update("delete from webhook_leases where holder = ?", holder);
    }

    @Override
    public CompletableFuture<Boolean> release(String lane, String holder) {
        return database.write(connection -> Rows.select(connection, RELEASE, row -> row.getBoolean(1), lane, holder,
                lane, lane).get(0));
    }

    @Override
    public CompletableFuture<Optional<Row>> head(String lane) {
        return database.read(connection -> Rows.select(connection, HEAD, row -> new Row(Long.toString(row.getLong(1)),
                row.getString(2), row.getString(3), row.getInt(4), row.getLong(5)), lane).stream().findFirst());
    }

    @Override
    public CompletableFuture<Void> delivered(String lane, Row row) {
        return update("delete from webhook_outbox where seq = ?", Long.parseLong(row.place()));
    }

    @Override
    public CompletableFuture<Void> failed(String lane, Row row) {
        return update("update webhook_outbox set attempts = attempts + 1 where seq = ?", Long.parseLong(row.place()));
    }

    /** Webhooks waiting now, in every lane. */
    @Override
    public CompletableFuture<Long> size() {
        return database.read(connection -> Rows.select(connection, "select count(*) from webhook_outbox",
                row -> row.getLong(1)).get(0));
    }

    private CompletableFuture<Void> update(String sql, Object... parameters) {
        return database.write(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                for (int i = 0; i < parameters.length; i++) {
                    statement.setObject(i + 1, parameters[i]);
                }
                statement.executeUpdate();
            }
            return null;
        });
    }
}
