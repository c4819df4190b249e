package dev.parley.server.store;

import dev.parley.protocol.Names;
import dev.parley.protocol.ServerEvent;

import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * Users' read markers and their unread counts, in the database, shared by every node of a cluster.
 * A marker is written by one statement on the {@link Database}'s thread for small writes (so a
 * node's marker writes keep the order they were asked in and never wait behind room events); it
 * only moves forward and never past the room's {@code top} as that statement reads it. Counts are
 * read on the read threads, one statement for all of a user's rooms, each count walking only the
 * index entries after the marker: {@code room_events_unread} for the messages that are not deleted
 * (their senders in the index), {@code mentions_unread} for the user's mentions, which the
 * {@link GroupCommitWriter} keeps in the transactions that store, edit and delete messages.
 */
public final class ReadMarkers {
    // The WHERE of the update leaves a marker that would stay or go back untouched, so RETURNING
    // answers only for a marker set for the first time or moved.
    private static final String MARK = """
            insert into read_markers as m (reader, room, last_read)
            values (?, ?, least(?, coalesce((select top from rooms where room = ?), 0)))
            on conflict (reader, room) do update set last_read = excluded.last_read
            where m.last_read < excluded.last_read
            returning last_read""";
    /** Package-private for ReadMarkersIT, which checks its plan. */
    static final String UNREAD = """
            select m.room, m.last_read,
              (select count(*) from room_events e
               where e.room = m.room and e."offset" > m.last_read and e.kind = 'message' and not e.deleted
                 and lower(e.sender) <> m.reader),
              (select count(*) from mentions n where n.nick = m.reader and n.room = m.room and n."offset" > m.last_read)
            from read_markers m where m.reader = ?""";
    private static final String FORGET = "delete from read_markers where reader = ? and room = ?";

    private final Database database;

    public ReadMarkers(Database database) {
        this.database = database;
    }

    /**
     * Moves {@code user}'s marker in {@code room} forward to {@code offset}, clamped to the room's
     * latest offset (0 for a room without events); completes with the marker when it moved or was
     * set for the first time, empty when it stayed.
     */
    public CompletableFuture<OptionalLong> markRead(String user, String room, long offset) {
        return database.write(connection -> {
            List<Long> moved = Rows.select(connection, MARK, row -> row.getLong(1), Names.nickKey(user), room, offset, room);
            return moved.isEmpty() ? OptionalLong.empty() : OptionalLong.of(moved.get(0));
        });
    }

    /** {@code user}'s read state in every room where it has a marker, in the rooms' name order. */
    public CompletableFuture<List<ServerEvent.UnreadRoom>> unread(String user) {
        return database.read(connection -> {
            List<ServerEvent.UnreadRoom> rooms = new ArrayList<>(Rows.select(connection, UNREAD,
                    row -> new ServerEvent.UnreadRoom(row.getString(1), row.getLong(2), row.getLong(3), row.getLong(4)),
                    Names.nickKey(user)));
            rooms.sort(Comparator.comparing(ServerEvent.UnreadRoom::room));
            return rooms;
        });
    }

    /** Removes {@code user}'s marker of {@code room}, if it has one. */
    public CompletableFuture<Void> forget(String user, String room) {
        return database.write(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(FORGET)) {
                statement.setString(1, Names.nickKey(user));
                statement.setString(2, room);
                statement.executeUpdate();
                return null;
            }
        });
    }
}
