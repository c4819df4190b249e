package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.PostgresServer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

/** What the tests of durable history compare: offsets of an answer, and what the database holds. */
final class DurableEvents {
    private DurableEvents() {
    }

    /** The offsets of {@code messages}, an answer's array, in its order. */
    static List<Long> offsets(JsonNode messages) {
        List<Long> offsets = new ArrayList<>();
        messages.forEach(message -> offsets.add(message.get("offset").asLong()));
        return offsets;
    }

    /** {@code from} to {@code to}, both included. */
    static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    /** The texts stored for {@code room}, in offset order, read by the test's own connection. */
    static List<String> storedTexts(PostgresServer postgres, String room) throws SQLException {
        try (Connection connection = postgres.connect(PostgresServer.DATABASE);
             PreparedStatement statement = connection.prepareStatement(
                     "select text from room_events where room = ? order by \"offset\"")) {
            statement.setString(1, room);
            List<String> texts = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    texts.add(result.getString(1));
                }
            }
            return texts;
        }
    }
}
