package dev.parley.server.browser;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.TcpProxy;
import dev.parley.testing.TestSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static dev.parley.server.browser.ChatPage.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A browser whose connection the network drops: a {@link TcpProxy} between it and the server is
 * cut while a Java client keeps talking, and the page must come back by itself and show every
 * message it missed, in order, once — or, when the server no longer has them, say so.
 */
@ExtendWith(RequiresChromium.class)
class BrowserReconnectIT {
    private static final int HISTORY_SIZE = 30;
    private static final int HISTORY_ON_JOIN = 10;

    /** The browser reports the WebSocket it lost; nothing else may go wrong. */
    @RegisterExtension
    static final ChatFixture FIXTURE = ChatFixture.server(
                    config -> config.with("--history-size", HISTORY_SIZE).with("--history-on-join", HISTORY_ON_JOIN))
            .expectingConsoleErrors(error -> error.contains("WebSocket connection to"));

    private static TcpProxy proxy;
    private static Browser browser;

    @BeforeAll
    static void start() {
        proxy = FIXTURE.proxy();
        browser = FIXTURE.launch(1280, 800);
    }

    /**
     * The page through the proxy, signed in as {@code nick}; after losing its connection it comes
     * back {@code backoffMs / 2} to {@code backoffMs} later.
     */
    private static ChatPage openThroughProxy(String nick, int backoffMs) {
        ChatPage page = browser.openInFreshTab(proxy.rewrite(FIXTURE.page("backoff=" + backoffMs)));
        page.login(nick);
        return page;
    }

    /** {@code nick} on a Java client in {@code room} with the page, and one message from them shown there. */
    private static TestSocket inRoomWith(ChatPage page, String nick, String room) {
        TestSocket other = TestSocket.login(FIXTURE.socket(), nick);
        other.request("joined", "type", "join", "room", room);
        page.joinRoom(room);
        other.request("ack", "type", "send", "room", room, "text", "before");
        eventually(() -> assertThat(page.messages("room:" + room)).containsExactly(nick + ": before"));
        return other;
    }

    @Test
    void afterTheConnectionDropsTheBrowserReconnectsAndShowsEveryMissedMessageInOrder() {
        // back 2 to 4 s after the cut: time enough, even on a busy machine, to send while it is away
        ChatPage page = openThroughProxy("alice", 4000);
        try (TestSocket bob = inRoomWith(page, "bob", "resilient")) {
            assertThat(bob.next("presence").get("event").asText()).isEqualTo("join");

            proxy.cutAll();
            eventually(() -> assertThat(page.connectionState()).isEqualTo("waiting"));
            JsonNode left = bob.next("presence");
            assertThat(left.get("event").asText()).isEqualTo("leave");
            // more than a join shows by itself: only a re-join with `since` brings them all back
            List<String> missed = IntStream.rangeClosed(1, HISTORY_ON_JOIN + 5).mapToObj(i -> "missed " + i).toList();
            for (String text : missed) {
                bob.request("ack", "type", "send", "room", "resilient", "text", text);
            }
            assertThat(page.connectionState()).as("the messages went out while alice was away").isEqualTo("waiting");
            JsonNode back = bob.next("presence");
            assertThat(back.get("event").asText()).as("alice is back on her own").isEqualTo("join");
            bob.request("ack", "type", "send", "room", "resilient", "text", "after the reconnect");

            List<String> expected = new ArrayList<>();
            expected.add("bob: before");
            missed.forEach(text -> expected.add("bob: " + text));
            expected.add("bob: after the reconnect");
            eventually(() -> assertThat(page.messages("room:resilient")).containsExactlyElementsOf(expected));
            assertThat(page.offsets("room:resilient")).containsExactlyElementsOf(
                    LongStream.rangeClosed(1, missed.size() + 2).boxed().toList());
            assertThat(page.items("room:resilient")).extracting(ChatPage.Item::kind).doesNotContain("gap");
            eventually(() -> assertThat(page.connectionState()).isEqualTo("online"));
        }
    }

    @Test
    void aReloadedTabComesBackAsTheSameNickInTheSameRoomsWithoutAsking() {
        ChatPage page = openThroughProxy("erin", 3000);
        try (TestSocket frank = inRoomWith(page, "frank", "reloaders")) {
            ChatPage reloaded = browser.reload();
            eventually(() -> {
                assertThat(reloaded.signedInAs()).isEqualTo("erin");
                assertThat(reloaded.conversations()).containsExactly("room:general", "room:reloaders");
                assertThat(reloaded.messages("room:reloaders")).containsExactly("frank: before");
            });
            assertThat(reloaded.loginShown()).isFalse();
            reloaded.show("room:reloaders");
            reloaded.send("yes");
            JsonNode answer = frank.take(event -> event.path("from").asText().equals("erin"), "erin's message");
            assertThat(answer.get("text").asText()).isEqualTo("yes");
        }
    }

    @Test
    void aTabWhoseSessionWasTakenOverWaitsForUseThisTabThenCatchesUp() {
        ChatPage page = openThroughProxy("gina", 3000);
        try (TestSocket hank = inRoomWith(page, "hank", "takeover")) {
            String resume = (String) page.script("return JSON.parse(sessionStorage.getItem('parley.session')).resume");
            try (TestSocket other = TestSocket.connect(FIXTURE.socket())) {
                other.request("welcome", "type", "hello", "nick", "gina", "resume", resume);
                eventually(() -> assertThat(page.connectionState()).isEqualTo("replaced"));
                other.request("joined", "type", "join", "room", "takeover");
                hank.request("ack", "type", "send", "room", "takeover", "text", "while away 1");
                hank.request("ack", "type", "send", "room", "takeover", "text", "while away 2");
            }
            // the other session left (its rooms first, then its nick): the nick is free again
            hank.take(event -> event.path("event").asText().equals("leave"), "the page's session leaving");
            hank.take(event -> event.path("event").asText().equals("leave"), "the other session leaving");
            page.clickReconnectNow();

            eventually(() -> assertThat(page.messages("room:takeover"))
                    .containsExactly("hank: before", "hank: while away 1", "hank: while away 2"));
            assertThat(page.items("room:takeover")).extracting(ChatPage.Item::kind).doesNotContain("gap");
            assertThat(page.connectionState()).isEqualTo("online");
            assertThat(page.signedInAs()).isEqualTo("gina");
        }
    }

    @Test
    void whenTheServerNoLongerHasWhatWasMissedThePageMarksTheGap() {
        ChatPage page = openThroughProxy("carol", 60_000);
        try (TestSocket dave = inRoomWith(page, "dave", "forgetful")) {
            proxy.cutAll();
            eventually(() -> assertThat(page.connectionState()).isEqualTo("waiting"));
            int missed = HISTORY_SIZE + 5;
            for (int i = 1; i <= missed; i++) {
                dave.request("ack", "type", "send", "room", "forgetful", "text", "missed " + i);
            }
            page.clickReconnectNow();

            List<String> expected = new ArrayList<>();
            expected.add("dave: before");
            expected.add("gap");
            IntStream.rangeClosed(missed - HISTORY_ON_JOIN + 1, missed).forEach(i -> expected.add("dave: missed " + i));
            eventually(() -> assertThat(page.items("room:forgetful")).extracting(ChatPage.Item::summary)
                    .containsExactlyElementsOf(expected));
            assertThat(page.items("room:forgetful").get(1).text()).isEqualTo("You were disconnected: messages may be missing here");
            browser.screenshot(Path.of("target", "screenshots", "browser-gap.png"));
            assertThat(page.connectionState()).isEqualTo("online");
        }
    }
}
