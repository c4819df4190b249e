package dev.parley.server;

import dev.parley.testing.TestSocket;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every socket transport the server offers carries the same conversation, small frames and large. */
class TransportsIT {

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "io_uring", "nio"})
    void aRoomsMessagesReachEveryMemberInOrderOverTheTransport(String transport) {
        ParleyServer server = TestServers.start(c -> c.with("--transport", transport).with("--max-text-chars", 60_000)
                .with("--max-frame-bytes", 1 << 20));
        try (TestSocket alice = TestServers.member(server, "alice-" + transport, "carried");
             TestSocket bob = TestServers.member(server, "bob-" + transport, "carried")) {
            assertThat(server.transport()).isEqualTo(transport);
            alice.next("presence");
            // far more than one write takes at a time: the transport must go on when the socket can take more
            String large = "x".repeat(50_000);
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String text = i % 10 == 9 ? large + i : "message " + i;
                sent.add(text);
                alice.send("type", "send", "room", "carried", "text", text);
            }
            for (TestSocket member : List.of(alice, bob)) {
                for (int i = 0; i < sent.size(); i++) {
                    assertThat(member.next("message").get("text").asText()).as("message %d", i).isEqualTo(sent.get(i));
                }
            }
        } finally {
            server.close();
        }
    }
}
