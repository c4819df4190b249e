package dev.parley.server.browser;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.TestSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.util.List;
import java.util.stream.LongStream;

import static dev.parley.server.browser.ChatPage.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A browser and a Java-WebSocket client in the same rooms: they talk both ways, whatever the Java
 * side sends is shown as text and never run, and the browser pages in older history on scrolling up.
 */
@ExtendWith(RequiresChromium.class)
class BrowserAndJavaClientIT {
    private static final int HISTORY_SIZE = 100;
    private static final int HISTORY_ON_JOIN = 20;

    @RegisterExtension
    static final ChatFixture FIXTURE = ChatFixture.server(
            config -> config.with("--history-size", HISTORY_SIZE).with("--history-on-join", HISTORY_ON_JOIN));

    private static URI socket;
    private static ChatPage page;

    @BeforeAll
    static void start() {
        socket = FIXTURE.socket();
        page = FIXTURE.launch(1280, 800).open(FIXTURE.page(""));
        page.login("alice");
    }

    @Test
    void aBrowserAndAJavaClientTalkInARoomAndDirectly() {
        try (TestSocket java = TestSocket.login(socket, "java")) {
            java.request("joined", "type", "join", "room", "mixed");
            page.joinRoom("mixed");
            eventually(() -> assertThat(page.members()).containsExactly("alice", "java"));
            assertThat(java.next("presence").get("nick").asText()).isEqualTo("alice");

            java.request("ack", "type", "send", "room", "mixed", "text", "hello from Java");
            eventually(() -> assertThat(page.messages("room:mixed")).containsExactly("java: hello from Java"));

            page.send("hello from the browser");
            JsonNode message = java.take(event -> event.path("from").asText().equals("alice"), "alice's message");
            assertThat(message.get("text").asText()).isEqualTo("hello from the browser");
            assertThat(message.get("offset").asLong()).isEqualTo(2);

            page.clickMember("java");
            page.send("a direct word");
            JsonNode dm = java.next("dm");
            assertThat(dm.get("from").asText()).isEqualTo("alice");
            assertThat(dm.get("text").asText()).isEqualTo("a direct word");
            java.request("ack", "type", "dm", "to", "alice", "text", "and one back");
            eventually(() -> assertThat(page.messages("dm:java")).containsExactly("alice: a direct word", "java: and one back"));
        }
        eventually(() -> assertThat(page.composerError()).isEmpty());
        page.send("are you there?");
        eventually(() -> assertThat(page.composerError()).isEqualTo("java is not online, so the message was not delivered."));
        assertThat(page.composerText()).as("the unsent message stays in the box").isEqualTo("are you there?");
    }

    @Test
    void typingIsToldToTheRoomAtMostOnceEveryFewSeconds() {
        try (TestSocket java = TestSocket.login(socket, "watcher")) {
            java.request("joined", "type", "join", "room", "typists");
            page.joinRoom("typists");
            for (char key : "several keys".toCharArray()) {
                page.type(String.valueOf(key));
            }
            page.send("!");
            JsonNode typing = java.next("typing");
            assertThat(typing.get("nick").asText()).isEqualTo("alice");
            assertThat(java.next("message").get("text").asText()).isEqualTo("several keys!");
            assertThat(java.has("typing")).as("one typing event for a burst of keys").isFalse();
        }
    }

    @Test
    void textFromOthersIsShownAsTextAndNeverRuns() {
        List<String> hostile = List.of(
                "<img src=x onerror=alert(1)>",
                "<script>alert(2)</script>",
                "<a href=\"javascript:alert(3)\">click</a>",
                "javascript:alert(4)",
                "see https://example.com/a?b=1&c=%20<2>. ok");
        page.script("window.alerts = []; window.alert = message => window.alerts.push(String(message));");
        try (TestSocket java = TestSocket.login(socket, "mallory")) {
            java.request("joined", "type", "join", "room", "hostile");
            page.joinRoom("hostile");
            for (String text : hostile) {
                java.request("ack", "type", "send", "room", "hostile", "text", text);
            }
            eventually(() -> assertThat(page.items("room:hostile")).filteredOn(item -> item.kind().equals("message"))
                    .extracting(ChatPage.Item::text).containsExactlyElementsOf(hostile));
        }
        Object inserted = page.script("""
                const thread = document.querySelector('.thread[data-conversation="room:hostile"]');
                return [...thread.querySelectorAll('img, script, iframe, [onerror]')].length;
                """);
        assertThat(inserted).isEqualTo(0L);
        assertThat(page.script("return window.alerts")).isEqualTo(List.of());
        @SuppressWarnings("unchecked")
        List<List<String>> links = (List<List<String>>) page.script("""
                const thread = document.querySelector('.thread[data-conversation="room:hostile"]');
                return [...thread.querySelectorAll('a')].map(a => [a.href, a.rel, a.target, a.textContent]);
                """);
        assertThat(links).as("only the http(s) URL is a link, without the markup or punctuation after it")
                .containsExactly(List.of("https://example.com/a?b=1&c=%20", "noopener noreferrer nofollow", "_blank",
                        "https://example.com/a?b=1&c=%20"));
    }

    @Test
    void olderMessagesArePagedInWhenScrollingUp() {
        int sent = HISTORY_SIZE + 30;
        try (TestSocket java = TestSocket.login(socket, "archivist")) {
            java.request("joined", "type", "join", "room", "archive");
            for (int i = 1; i <= sent; i++) {
                java.request("ack", "type", "send", "room", "archive", "text", "message " + i + "\nsecond line\nthird line");
            }
        }
        page.joinRoom("archive");
        eventually(() -> assertThat(page.offsets("room:archive"))
                .containsExactlyElementsOf(range(sent - HISTORY_ON_JOIN + 1, sent)));
        assertThat(page.olderNote("room:archive")).isEmpty();

        page.scrollToTop("room:archive");
        eventually(() -> assertThat(page.offsets("room:archive")).hasSize(HISTORY_ON_JOIN + 50));
        eventually(() -> {
            page.scrollToTop("room:archive");
            assertThat(page.olderNote("room:archive")).isEqualTo("Older messages are no longer kept.");
        });
        assertThat(page.offsets("room:archive")).as("every message the server keeps, in order, once")
                .containsExactlyElementsOf(range(sent - HISTORY_SIZE + 1, sent));
        assertThat(page.messages("room:archive")).first()
                .isEqualTo("archivist: message " + (sent - HISTORY_SIZE + 1) + "\nsecond line\nthird line");
    }

    private static List<Long> range(long first, long last) {
        return LongStream.rangeClosed(first, last).boxed().toList();
    }
}
