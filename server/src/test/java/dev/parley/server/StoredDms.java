package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.Jwts;
import dev.parley.testing.PostgresServer;
import dev.parley.testing.TestSocket;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

/** What the tests of stored direct messages share: a user with a token, a dm, and what waits in the database. */
final class StoredDms {
    private StoredDms() {
    }

    /** A client that has said hello as {@code nick} with a token of the tests' secret. */
    static TestSocket login(ParleyServer server, String nick) {
        TestSocket socket = TestSocket.connect(server.webSocketUri());
        socket.request("welcome", "type", "hello", "id", 1, "nick", nick, "token", Jwts.hs256(nick, Duration.ofMinutes(5)));
        return socket;
    }

    /** Sends a dm whose id is its text and returns its {@code ack}. */
    static JsonNode dm(TestSocket from, String to, String text) {
        return from.request("ack", "type", "dm", "id", text, "to", to, "text", text);
    }

    /** How many direct messages wait for {@code recipient} in {@code database}. */
    static long pending(PostgresServer postgres, String database, String recipient) throws SQLException {
        try (Connection connection = postgres.connect(database);
             PreparedStatement statement = connection.prepareStatement(
                     "select count(*) from direct_messages where lower(recipient) = ? and pending")) {
            statement.setString(1, recipient);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }
}
