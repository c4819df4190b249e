package dev.parley.server.browser;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.Keys;

import java.nio.file.Path;
import java.util.List;

import static dev.parley.server.browser.ChatPage.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two people chatting in two real browsers: messages, presence, typing, unread counts, direct
 * messages, nickname errors and the keyboard. Leaves screenshots of the chat under {@code target/}.
 */
@ExtendWith(RequiresChromium.class)
class BrowserChatIT {
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    @RegisterExtension
    static final ChatFixture FIXTURE = ChatFixture.server(config -> config);

    private static Browser aliceBrowser;
    private static Browser bobBrowser;
    private static ChatPage alice;
    private static ChatPage bob;

    @BeforeAll
    static void start() {
        aliceBrowser = FIXTURE.launch(1280, 800);
        bobBrowser = FIXTURE.launch(1280, 800);
        alice = aliceBrowser.open(FIXTURE.page(""));
        alice.login("alice");
        bob = bobBrowser.open(FIXTURE.page(""));
        bob.login("bob");
    }

    @Test
    void aFirstVisitLandsInGeneralWithTheRoundTripShown() {
        assertThat(alice.conversations()).contains("room:general");
        eventually(() -> {
            assertThat(alice.connectionState()).isEqualTo("online");
            assertThat(alice.connectionDetail()).matches("\\d+ ms");
        });
    }

    @Test
    void twoBrowsersSeeEachOthersMessagesPresenceAndTyping() {
        alice.joinRoom("lobby");
        bob.joinRoom("lobby");
        eventually(() -> {
            assertThat(alice.members()).containsExactly("alice", "bob");
            assertThat(alice.items("room:lobby")).extracting(ChatPage.Item::summary).containsExactly("notice: bob joined");
        });

        bob.type("hello");
        eventually(() -> assertThat(alice.typing()).isEqualTo("bob is typing…"));
        bob.type(" alice" + Keys.ENTER);
        eventually(() -> {
            assertThat(alice.messages("room:lobby")).containsExactly("bob: hello alice");
            assertThat(alice.typing()).as("a message ends the typing notice").isEmpty();
        });
        assertThat(bob.composerText()).isEmpty();

        alice.send("hi bob, how are you?");
        bob.send("fine, thanks");
        for (ChatPage page : new ChatPage[] {alice, bob}) {
            eventually(() -> assertThat(page.messages("room:lobby"))
                    .containsExactly("bob: hello alice", "alice: hi bob, how are you?", "bob: fine, thanks"));
        }
        assertThat(alice.items("room:lobby")).filteredOn(ChatPage.Item::own)
                .extracting(ChatPage.Item::text).containsExactly("hi bob, how are you?");
        assertThat(bob.items("room:lobby")).filteredOn(ChatPage.Item::own)
                .extracting(ChatPage.Item::text).containsExactly("hello alice", "fine, thanks");
        assertThat(alice.offsets("room:lobby")).containsExactly(1L, 2L, 3L);

        screenshots();

        bob.leave();
        eventually(() -> {
            assertThat(alice.members()).containsExactly("alice");
            assertThat(alice.items("room:lobby")).last().extracting(ChatPage.Item::summary).isEqualTo("notice: bob left");
            assertThat(bob.conversations()).doesNotContain("room:lobby");
        });
    }

    @Test
    void unreadMessagesAreCountedUntilTheRoomIsShown() {
        alice.joinRoom("news");
        bob.joinRoom("news");
        alice.joinRoom("quiet");
        bob.show("room:news");
        bob.send("one");
        bob.send("two");
        eventually(() -> assertThat(alice.unread("room:news")).isEqualTo(2));
        assertThat(alice.unread("room:quiet")).isZero();

        alice.show("room:news");
        eventually(() -> assertThat(alice.unread("room:news")).isZero());
        assertThat(alice.messages("room:news")).containsExactly("bob: one", "bob: two");
    }

    @Test
    void directMessagesHaveTheirOwnConversation() {
        alice.joinRoom("meet");
        bob.joinRoom("meet");
        eventually(() -> assertThat(alice.members()).contains("bob"));

        alice.clickMember("bob");
        eventually(() -> assertThat(alice.activeTitle()).isEqualTo("@bob"));
        alice.send("psst, bob");
        eventually(() -> {
            assertThat(alice.messages("dm:bob")).containsExactly("alice: psst, bob");
            assertThat(bob.unread("dm:alice")).isEqualTo(1);
        });
        assertThat(bob.messages("room:meet")).isEmpty();

        bob.show("dm:alice");
        bob.send("yes?");
        eventually(() -> assertThat(alice.messages("dm:bob")).containsExactly("alice: psst, bob", "bob: yes?"));
        assertThat(bob.messages("dm:alice")).containsExactly("alice: psst, bob", "bob: yes?");
    }

    @Test
    void nicknameRefusalsShowUnderTheFieldAndTheKeyboardIsEnough() {
        ChatPage tab = bobBrowser.openInNewTab(FIXTURE.page(""));
        try {
            assertThat(tab.loginShown()).isTrue();
            assertThat(tab.nickField()).as("remembered from the first tab").isEqualTo("bob");
            assertThat(tab.focused()).isEqualTo("login-nick");

            tab.press(Keys.ENTER);
            eventually(() -> assertThat(tab.loginError()).isEqualTo("“bob” is already taken. Pick another nickname."));
            bobBrowser.screenshot(SCREENSHOTS.resolve("browser-nick-taken.png"));
            tab.submitNick("not valid!");
            eventually(() -> assertThat(tab.loginError()).startsWith("A nickname is 1 to 32 letters"));
            assertThat(tab.loginShown()).isTrue();

            tab.submitNick("carol");
            eventually(() -> assertThat(tab.activeTitle()).isEqualTo("#general"));
            eventually(() -> assertThat(tab.focused()).isEqualTo("composer-text"));
            tab.press("typed without a mouse", Keys.ENTER);
            eventually(() -> assertThat(tab.messages("room:general")).endsWith("carol: typed without a mouse"));
            tab.press(Keys.SHIFT, Keys.TAB);
            assertThat(tab.focused()).as("Shift+Tab from the message box reaches the message list").isEqualTo("section");
        } finally {
            bobBrowser.closeTab();
        }
    }

    @Test
    void aServerWithoutDurableHistoryOffersNoSearch() {
        eventually(() -> assertThat(alice.connectionState()).isEqualTo("online"));
        assertThat(alice.activeTitle()).startsWith("#");
        assertThat(alice.searchOffered()).isFalse();
    }

    @Test
    void everyControlHasAName() {
        List<String> unnamed = alice.controls().stream()
                .filter(control -> control.isDisplayed() && control.getAccessibleName().isBlank())
                .map(control -> control.getTagName() + "#" + control.getDomAttribute("id"))
                .toList();
        assertThat(alice.controls()).hasSizeGreaterThan(10);
        assertThat(unnamed).isEmpty();
    }

    @Test
    void onAPhoneTheConversationsAreADrawer() {
        bob.joinRoom("pocket");
        bobBrowser.resize(390, 844);
        try {
            assertThat(bob.script("return document.documentElement.scrollWidth <= window.innerWidth")).isEqualTo(true);
            assertThat(bob.sidebarShown()).isFalse();
            bob.toggleDrawer();
            eventually(() -> assertThat(bob.sidebarShown()).isTrue());
            bobBrowser.screenshot(SCREENSHOTS.resolve("browser-phone-drawer.png"));
            bob.show("room:general");
            eventually(() -> {
                assertThat(bob.sidebarShown()).isFalse();
                assertThat(bob.activeTitle()).isEqualTo("#general");
                assertThat(bob.focused()).isEqualTo("composer-text");
            });
        } finally {
            bobBrowser.resize(1280, 800);
        }
    }

    /** The chat as people see it: wide and light, wide and dark, and phone-sized. */
    private static void screenshots() {
        aliceBrowser.screenshot(Path.of("target", "browser-chat.png"));
        aliceBrowser.colorScheme("dark");
        aliceBrowser.screenshot(SCREENSHOTS.resolve("browser-chat-dark.png"));
        aliceBrowser.colorScheme("light");
        bobBrowser.resize(390, 844);
        bobBrowser.screenshot(SCREENSHOTS.resolve("browser-chat-phone.png"));
        bobBrowser.resize(1280, 800);
    }
}
