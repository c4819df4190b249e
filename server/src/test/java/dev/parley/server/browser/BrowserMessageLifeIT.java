package dev.parley.server.browser;

import dev.parley.testing.Jwts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.Keys;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static dev.parley.server.browser.ChatPage.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The life of a message in real browsers, on a server with auth (so that a user may have several
 * sessions): alice on her laptop and on her phone, bob beside them. Replies and their quotes,
 * edits (the up arrow), deletes, reactions by mouse and keyboard and their counts, mentions;
 * then unread badges and the "New messages" divider from the server's read state after alice
 * comes back, the read marker shared with her phone, a desktop notification of a mention, and a
 * long press on the phone's touch screen.
 */
@ExtendWith(RequiresChromium.class)
class BrowserMessageLifeIT {
    @RegisterExtension
    static final ChatFixture FIXTURE = ChatFixture.server(config -> config.with("--jwt-hmac-secret", Jwts.SECRET));

    private static Browser laptop;
    private static Browser phone;
    private static Browser bobBrowser;
    /** alice's page on her laptop (her phone's signs in later), and bob's. */
    private static ChatPage alice;
    private static ChatPage bob;
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    @BeforeAll
    static void start() {
        laptop = FIXTURE.launch(1280, 800);
        phone = FIXTURE.launch(390, 844);
        bobBrowser = FIXTURE.launch(1280, 800);
        alice = signIn(laptop, "alice");
        bob = signIn(bobBrowser, "bob");
    }

    /** The page in a fresh tab of {@code browser}, signed in as {@code nick} with a token in the URL's fragment. */
    private static ChatPage signIn(Browser browser, String nick) {
        ChatPage page = browser.openInFreshTab(URI.create(FIXTURE.page("") + "#token=" + Jwts.hs256(nick, Duration.ofMinutes(10))));
        page.login(nick);
        return page;
    }

    @Test
    void repliesEditsDeletesReactionsAndMentionsReachTheOtherUser() {
        String room = "room:life";
        alice.joinRoom("life");
        bob.joinRoom("life");
        bob.send("first message");
        for (int i = 0; i < 40; i++) {
            bob.send("filler " + i);
        }
        eventually(() -> assertThat(alice.messages(room)).hasSize(41));
        long first = alice.items(room).get(1).offset();
        assertThat(alice.items(room).get(1).text()).isEqualTo("first message");
        assertThat(alice.actionsOn(room, first)).as("nothing to edit or delete in someone else's message")
                .containsExactly("reply", "pick");

        // a reply names its target above the box, and above the message for everyone
        alice.act(room, first, "reply");
        assertThat(alice.composerContext()).isEqualTo("Replying to bob: first message");
        alice.press("a reply", Keys.ENTER);
        eventually(() -> assertThat(bob.messages(room)).endsWith("alice: a reply"));
        long reply = bob.lastOffsetFrom(room, "alice");
        assertThat(bob.message(room, reply).quote()).isEqualTo("bob: first message");
        assertThat(alice.composerContext()).isEmpty();
        assertThat(alice.actionsOn(room, reply)).containsExactly("reply", "pick", "edit", "delete");

        // the quote scrolls the list to the message it answers and highlights it for a moment
        assertThat(bob.inView(room, first)).isFalse();
        bob.clickQuote(room, reply);
        eventually(() -> {
            assertThat(bob.inView(room, first)).isTrue();
            assertThat(bob.focusedMessage()).isEqualTo(first);
        });

        // up arrow in the empty box edits our last message; Escape gives the box back
        alice.press(Keys.ARROW_UP);
        assertThat(alice.composerContext()).isEqualTo("Editing your message");
        assertThat(alice.composerText()).isEqualTo("a reply");
        alice.press(Keys.ESCAPE);
        assertThat(alice.composerContext()).isEmpty();
        assertThat(alice.composerText()).isEmpty();
        alice.press(Keys.ARROW_UP);
        alice.press(Keys.chord(Keys.CONTROL, "a"), "a better reply", Keys.ENTER);
        for (ChatPage page : List.of(alice, bob)) {
            eventually(() -> {
                assertThat(page.message(room, reply).text()).isEqualTo("a better reply");
                assertThat(page.message(room, reply).edited()).isTrue();
            });
        }
        assertThat(alice.composerText()).isEmpty();

        // bob reacts with the keyboard alone: to the list, ↑ to the last message, Tab past its quote to
        // its actions, → to React, Enter opens the picker, → to the second emoji, Enter
        bob.script("document.querySelector('.thread[data-conversation=\"room:life\"]').focus()");
        bob.press(Keys.ARROW_UP);
        assertThat(bob.focusedMessage()).isEqualTo(reply);
        bob.press(Keys.TAB);
        bob.press(Keys.TAB);
        bob.press(Keys.ARROW_RIGHT);
        assertThat(bob.script("return document.activeElement.dataset.action")).isEqualTo("pick");
        bob.press(Keys.ENTER);
        eventually(() -> assertThat(bob.script("return document.activeElement.dataset.emoji")).isEqualTo("👍"));
        bob.press(Keys.ARROW_RIGHT);
        bob.press(Keys.ENTER);
        eventually(() -> assertThat(alice.message(room, reply).reactions())
                .containsExactly(new ChatPage.Reaction("❤️", 1, "bob reacted with ❤️", false)));
        alice.clickReaction(room, reply, "❤️");
        eventually(() -> assertThat(bob.message(room, reply).reactions())
                .containsExactly(new ChatPage.Reaction("❤️", 2, "bob, alice reacted with ❤️", true)));
        bob.clickReaction(room, reply, "❤️");
        eventually(() -> assertThat(alice.message(room, reply).reactions())
                .containsExactly(new ChatPage.Reaction("❤️", 1, "alice reacted with ❤️", true)));

        // a mention of alice stands out for her, not for bob
        bob.send("@alice have a look");
        eventually(() -> assertThat(alice.messages(room)).endsWith("bob: @alice have a look"));
        long mention = alice.lastOffsetFrom(room, "bob");
        assertThat(alice.message(room, mention).mentionsMe()).isTrue();
        assertThat(alice.message(room, mention).atMe()).containsExactly("@alice");
        assertThat(bob.message(room, mention).mentionsMe()).isFalse();
        laptop.screenshot(SCREENSHOTS.resolve("browser-message-life.png"));

        // deleting asks first, then the message is gone for everyone
        alice.act(room, reply, "delete");
        alice.confirmDelete();
        for (ChatPage page : List.of(alice, bob)) {
            eventually(() -> {
                ChatPage.Shown deleted = page.message(room, reply);
                assertThat(deleted.deleted()).isTrue();
                assertThat(deleted.text()).isEqualTo("message deleted");
                assertThat(deleted.reactions()).isEmpty();
            });
        }
        assertThat(alice.actionsOn(room, reply)).isEmpty();
    }

    @Test
    void unreadCountsAndTheReadMarkerFollowTheUserAcrossHerDevices() {
        String room = "room:news";
        alice.joinRoom("news");
        bob.joinRoom("news");
        bob.send("before");
        eventually(() -> assertThat(alice.messages(room)).containsExactly("bob: before"));
        ChatPage alicePhone = signIn(phone, "alice");
        eventually(() -> assertThat(alicePhone.conversations()).as("a room alice read on her laptop").contains(room));
        assertThat(alicePhone.activeTitle()).isEqualTo("#general");
        alice.show("room:general");

        bob.show(room);
        bob.send("one");
        bob.send("two, @alice");
        bob.send("three");
        for (ChatPage page : List.of(alice, alicePhone)) {
            eventually(() -> {
                assertThat(page.unread(room)).isEqualTo(3);
                assertThat(page.badgeMentions(room)).isTrue();
            });
        }

        // alice comes back to her laptop: a new page, whose counts come from the server
        alice = signIn(laptop, "alice");
        assertThat(alice.conversations()).as("the rooms where alice has a read marker").contains(room);
        eventually(() -> {
            assertThat(alice.unread(room)).isEqualTo(3);
            assertThat(alice.badgeMentions(room)).isTrue();
        });
        alice.show(room);
        eventually(() -> assertThat(alice.dividerAbove(room)).isEqualTo(alice.items(room).get(1).offset()));
        assertThat(alice.items(room).get(1).text()).isEqualTo("one");
        laptop.screenshot(SCREENSHOTS.resolve("browser-unread-divider.png"));

        // reading on the laptop clears the badge on the phone
        eventually(() -> assertThat(alicePhone.unread(room)).isZero());
        assertThat(alicePhone.script("return document.documentElement.scrollWidth <= window.innerWidth")).isEqualTo(true);
        phone.screenshot(SCREENSHOTS.resolve("browser-unread-phone.png"));

        // with notifications on and the tab hidden, a mention shows one
        alicePhone.script("""
                window.shownNotifications = [];
                window.Notification = class {
                  static permission = 'default';
                  static requestPermission() { Notification.permission = 'granted'; return Promise.resolve('granted'); }
                  constructor(title, options) { window.shownNotifications.push(title + ' | ' + options.body); }
                  addEventListener() {}
                  close() {}
                };
                Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
                """);
        alicePhone.toggleNotifications();
        eventually(() -> assertThat(alicePhone.script("return document.getElementById('notify-toggle').getAttribute('aria-pressed')"))
                .isEqualTo("true"));
        bob.send("no mention here");
        bob.send("@alice are you there?");
        eventually(() -> assertThat(alicePhone.script("return window.shownNotifications")).asList()
                .containsExactly("bob mentioned you in #news | @alice are you there?"));

        // on the phone's touch screen a long press shows a message's actions
        alicePhone.toggleDrawer();
        alicePhone.show(room);
        long question = alicePhone.lastOffsetFrom(room, "bob");
        assertThat(alicePhone.actionsShown(room, question)).isFalse();
        alicePhone.touchMessage(room, question);
        eventually(() -> assertThat(alicePhone.actionsShown(room, question)).isTrue());
        alicePhone.liftFinger();
        assertThat(alicePhone.actionsOn(room, question)).containsExactly("reply", "pick");
        phone.screenshot(SCREENSHOTS.resolve("browser-long-press-phone.png"));
    }
}
