package dev.parley.server.browser;

import org.awaitility.core.ThrowingRunnable;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chromium.HasCdp;
import org.openqa.selenium.interactions.Actions;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Parley page as a user sees it, for tests: what they can do (type, press Enter, click) and
 * what is on the screen. Reading the screen goes through one script per question, so that a
 * snapshot is never half old, half new.
 */
final class ChatPage {
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** One entry of a conversation: a message, a notice ("bob joined") or a gap marker. */
    record Item(String kind, String from, String text, Long offset, boolean own) {
        /** How tests compare items: {@code "bob: hello"}, {@code "notice: bob joined"}, {@code "gap"}. */
        String summary() {
            return switch (kind) {
                case "message" -> from + ": " + text;
                case "notice" -> "notice: " + text;
                default -> kind;
            };
        }
    }

    private static final String ITEMS = """
            const thread = document.querySelector(`.thread[data-conversation="${arguments[0]}"]`);
            if (!thread) return [];
            return [...thread.querySelectorAll('.items > li:not(.day):not(.unread-divider)')].map(li => {
              const kind = li.classList.contains('msg') ? 'message' : li.classList.contains('gap') ? 'gap' : 'notice';
              return {
                kind,
                from: li.dataset.from ?? null,
                text: (kind === 'message' ? li.querySelector('.text') : li.querySelector('span')).textContent,
                offset: li.dataset.offset === undefined ? null : Number(li.dataset.offset),
                own: li.classList.contains('own'),
              };
            });
            """;

    private final WebDriver driver;

    private ChatPage(WebDriver driver) {
        this.driver = driver;
    }

    /** The page in {@code driver}, once its script has started. */
    static ChatPage loaded(WebDriver driver) {
        ChatPage page = new ChatPage(driver);
        eventually(() -> assertThat(page.script("return document.documentElement.dataset.ready")).isEqualTo("true"));
        return page;
    }

    /** Waits up to {@link #TIMEOUT} for {@code assertion} to pass. */
    static void eventually(ThrowingRunnable assertion) {
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(50)).ignoreExceptions().untilAsserted(assertion);
    }

    // ---- signing in

    /** Types a nickname into the form and presses Enter, without waiting for the answer. */
    void submitNick(String nick) {
        WebElement input = driver.findElement(By.id("login-nick"));
        input.clear();
        input.sendKeys(nick, Keys.ENTER);
    }

    /** Signs in and waits until the chat is shown. */
    void login(String nick) {
        submitNick(nick);
        eventually(() -> assertThat(signedInAs()).isEqualTo(nick));
        eventually(() -> assertThat(activeTitle()).isNotEqualTo("No conversation"));
    }

    /** The nick in the top bar; empty when not signed in. */
    String signedInAs() {
        return text(By.id("me-nick"));
    }

    boolean loginShown() {
        return driver.findElement(By.id("login")).isDisplayed();
    }

    String nickField() {
        return driver.findElement(By.id("login-nick")).getDomProperty("value");
    }

    String loginError() {
        return text(By.id("login-error"));
    }

    // ---- conversations

    /** Joins (or creates) a room through the sidebar's form and waits until it is shown and joined. */
    void joinRoom(String room) {
        WebElement input = driver.findElement(By.id("join-room"));
        input.sendKeys(room, Keys.ENTER);
        eventually(() -> {
            assertThat(activeTitle()).isEqualTo("#" + room);
            assertThat(conversations()).contains("room:" + room);
        });
    }

    /** Shows a conversation by clicking it in the sidebar, {@code "room:general"} or {@code "dm:bob"}. */
    void show(String conversation) {
        driver.findElement(By.cssSelector("button[data-conversation='" + conversation + "']")).click();
        eventually(() -> assertThat(driver.findElement(By.cssSelector(
                "button[data-conversation='" + conversation + "']")).getDomAttribute("aria-current")).isNotNull());
    }

    /** Whether the sidebar with the conversations can be seen (on a phone it is a drawer). */
    boolean sidebarShown() {
        return driver.findElement(By.id("sidebar")).isDisplayed();
    }

    /** Clicks the top bar's button that opens and closes the conversations drawer on narrow screens. */
    void toggleDrawer() {
        driver.findElement(By.id("nav-toggle")).click();
    }

    /** Every button, field and link on the page, shown or not. */
    List<WebElement> controls() {
        return driver.findElements(By.cssSelector("button, input, textarea, a"));
    }

    /** The ids of the conversations in the sidebar, rooms first. */
    List<String> conversations() {
        return strings("return [...document.querySelectorAll('button[data-conversation]')].map(b => b.dataset.conversation)");
    }

    String activeTitle() {
        return text(By.id("conversation-title"));
    }

    /** The unread count shown for a conversation, 0 when none is shown. */
    int unread(String conversation) {
        Object count = script("""
                const badge = document.querySelector(`button[data-conversation="${arguments[0]}"] .badge`);
                return badge ? badge.firstChild.textContent : '0';
                """, conversation);
        return Integer.parseInt((String) count);
    }

    /** Clicks "Leave room" (or "Close" for direct messages) of the shown conversation. */
    void leave() {
        driver.findElement(By.id("conversation-close")).click();
    }

    /** Clicks a member of the shown room, which opens direct messages with them. */
    void clickMember(String nick) {
        driver.findElement(By.cssSelector("#member-list button[data-nick='" + nick + "']")).click();
    }

    List<String> members() {
        return strings("return [...document.querySelectorAll('#member-list li')].map(li => li.firstChild.textContent)");
    }

    /** The member list's heading, with the room's member count: {@code "Members · 12"}. */
    String membersHeading() {
        return text(By.id("members-heading"));
    }

    /** Whether a large room's member list offers to load more. */
    boolean offersMoreMembers() {
        return driver.findElement(By.id("members-more")).isDisplayed();
    }

    void showMoreMembers() {
        driver.findElement(By.id("members-more")).click();
    }

    String typing() {
        return text(By.id("typing"));
    }

    // ---- messages

    /** Types into the message box without sending. */
    void type(String text) {
        driver.findElement(By.id("composer-text")).sendKeys(text);
    }

    /** Types a message and presses Enter. */
    void send(String text) {
        driver.findElement(By.id("composer-text")).sendKeys(text, Keys.ENTER);
    }

    String composerText() {
        return driver.findElement(By.id("composer-text")).getDomProperty("value");
    }

    String composerError() {
        return text(By.id("composer-error"));
    }

    /** Everything a conversation shows, oldest first. */
    @SuppressWarnings("unchecked")
    List<Item> items(String conversation) {
        List<Map<String, Object>> raw = (List<Map<String, Object>>) script(ITEMS, conversation);
        return raw.stream().map(item -> new Item((String) item.get("kind"), (String) item.get("from"),
                (String) item.get("text"), item.get("offset") == null ? null : ((Number) item.get("offset")).longValue(),
                Boolean.TRUE.equals(item.get("own")))).toList();
    }

    /** The messages of a conversation as {@code "from: text"}, oldest first. */
    List<String> messages(String conversation) {
        return items(conversation).stream().filter(item -> item.kind().equals("message")).map(Item::summary).toList();
    }

    /** The offsets of a room's messages, top to bottom. */
    List<Long> offsets(String conversation) {
        return items(conversation).stream().filter(item -> item.offset() != null).map(Item::offset).toList();
    }

    /** Scrolls a conversation's message list to its top, as a reader looking for older messages does. */
    void scrollToTop(String conversation) {
        script("document.querySelector(`.thread[data-conversation=\"${arguments[0]}\"]`).scrollTop = 0", conversation);
    }

    /** The note at the top of a conversation ("This is the beginning of …"), or "" while older messages can be loaded. */
    String olderNote(String conversation) {
        return (String) script("""
                const note = document.querySelector(`.thread[data-conversation="${arguments[0]}"] .thread-note`);
                return note.hidden ? '' : note.textContent;
                """, conversation);
    }

    // ---- the life of a message

    /** What a room's message shows beyond its text: its reply quote, markers, mention and reactions. */
    record Shown(String text, String quote, boolean edited, boolean deleted, boolean mentionsMe,
                 List<String> atMe, List<Reaction> reactions, boolean highlighted) {
    }

    /** A reaction under a message: its emoji, count, who reacted (the title) and whether it is ours. */
    record Reaction(String emoji, int count, String title, boolean mine) {
    }

    private static final String SHOWN = """
            const li = document.querySelector(`.thread[data-conversation="${arguments[0]}"] li.msg[data-offset="${arguments[1]}"]`);
            if (!li) return null;
            return {
              text: li.querySelector('.text').textContent,
              quote: li.querySelector('.quote-text')?.textContent ?? null,
              edited: li.querySelector('.edited') !== null,
              deleted: li.classList.contains('deleted'),
              mentionsMe: li.classList.contains('mention'),
              atMe: [...li.querySelectorAll('.at-me')].map(at => at.textContent),
              highlighted: li.classList.contains('highlight'),
              reactions: [...li.querySelectorAll('.reaction')].map(b => ({
                emoji: b.querySelector('.reaction-emoji').textContent,
                count: Number(b.querySelector('.reaction-count').textContent),
                title: b.title, mine: b.getAttribute('aria-pressed') === 'true' })),
            };
            """;

    /** The message at {@code offset} in a room as it is shown, or null when it is not. */
    @SuppressWarnings("unchecked")
    Shown message(String conversation, long offset) {
        Map<String, Object> raw = (Map<String, Object>) script(SHOWN, conversation, offset);
        if (raw == null) {
            return null;
        }
        List<Reaction> reactions = ((List<Map<String, Object>>) raw.get("reactions")).stream()
                .map(r -> new Reaction((String) r.get("emoji"), ((Number) r.get("count")).intValue(),
                        (String) r.get("title"), Boolean.TRUE.equals(r.get("mine")))).toList();
        return new Shown((String) raw.get("text"), (String) raw.get("quote"), Boolean.TRUE.equals(raw.get("edited")),
                Boolean.TRUE.equals(raw.get("deleted")), Boolean.TRUE.equals(raw.get("mentionsMe")),
                (List<String>) raw.get("atMe"), reactions, Boolean.TRUE.equals(raw.get("highlighted")));
    }

    /** The offset of the last message in a room from {@code from}. */
    long lastOffsetFrom(String conversation, String from) {
        return items(conversation).stream().filter(item -> from.equals(item.from()))
                .reduce((first, second) -> second).orElseThrow().offset();
    }

    /** Points the mouse at a room's message, which shows its actions, and clicks one: reply, pick, edit or delete. */
    void act(String conversation, long offset, String action) {
        WebElement li = messageElement(conversation, offset);
        new Actions(driver).moveToElement(li).perform();
        WebElement button = li.findElement(By.cssSelector(".actions [data-action='" + action + "']"));
        button.click();
    }

    /** The actions a room's message offers (their {@code data-action}s), shown or not. */
    @SuppressWarnings("unchecked")
    List<String> actionsOn(String conversation, long offset) {
        return (List<String>) script("return [...arguments[0].querySelectorAll('.actions [data-action]')].map(b => b.dataset.action)",
                messageElement(conversation, offset));
    }

    /** Clicks the reaction {@code emoji} under a message, which toggles ours. */
    void clickReaction(String conversation, long offset, String emoji) {
        messageElement(conversation, offset).findElement(By.cssSelector(".reaction[data-emoji='" + emoji + "']")).click();
    }

    /** Clicks the quote above a reply, which shows the message it answers. */
    void clickQuote(String conversation, long offset) {
        messageElement(conversation, offset).findElement(By.cssSelector(".quote")).click();
    }

    /** Whether the message at {@code offset} is inside the visible part of its list. */
    boolean inView(String conversation, long offset) {
        return Boolean.TRUE.equals(script("""
                const li = arguments[0], list = li.closest('.thread');
                const a = li.getBoundingClientRect(), b = list.getBoundingClientRect();
                return a.top >= b.top && a.bottom <= b.bottom;
                """, messageElement(conversation, offset)));
    }

    /** The offset of the message that has the keyboard focus (or holds it), or null. */
    Long focusedMessage() {
        Object offset = script("const li = document.activeElement.closest('li.msg'); return li ? Number(li.dataset.offset) : null");
        return offset == null ? null : ((Number) offset).longValue();
    }

    /** The bar above the message box while replying or editing ("Replying to bob: …"), or "" when hidden. */
    String composerContext() {
        return (String) script("const bar = document.getElementById('composer-context');"
                + " return bar.hidden ? '' : bar.querySelector('span').textContent");
    }

    /** Clicks "Delete" in the dialog that asks whether to delete a message. */
    void confirmDelete() {
        WebElement confirm = driver.findElement(By.id("delete-confirm"));
        eventually(() -> assertThat(confirm.isDisplayed()).isTrue());
        confirm.click();
    }

    /** The offset of the message right under a room's "New messages" divider, or null when it shows none. */
    Long dividerAbove(String conversation) {
        Object offset = script("""
                const divider = document.querySelector(`.thread[data-conversation="${arguments[0]}"] .unread-divider`);
                return divider ? Number(divider.nextElementSibling.dataset.offset) : null;
                """, conversation);
        return offset == null ? null : ((Number) offset).longValue();
    }

    /** Whether a conversation's unread badge says that someone mentioned us. */
    boolean badgeMentions(String conversation) {
        return Boolean.TRUE.equals(script(
                "return document.querySelector(`button[data-conversation=\"${arguments[0]}\"] .badge.mentioned`) !== null",
                conversation));
    }

    /** Turns desktop notifications of mentions on or off with the top bar's switch. */
    void toggleNotifications() {
        driver.findElement(By.id("notify-toggle")).click();
    }

    /** Puts a finger on the middle of a room's message and keeps it there, as on a touch screen. */
    @SuppressWarnings("unchecked")
    void touchMessage(String conversation, long offset) {
        Map<String, Object> middle = (Map<String, Object>) script(
                "const r = arguments[0].getBoundingClientRect(); return {x: r.left + r.width / 2, y: r.top + r.height / 2}",
                messageElement(conversation, offset));
        touch("touchStart", List.of(Map.of("x", middle.get("x"), "y", middle.get("y"))));
    }

    /** Lifts the finger that {@link #touchMessage} put down. */
    void liftFinger() {
        touch("touchEnd", List.of());
    }

    private void touch(String type, List<Map<String, Object>> points) {
        ((HasCdp) driver).executeCdpCommand("Input.dispatchTouchEvent", Map.of("type", type, "touchPoints", points));
    }

    /** Whether a room message's actions can be seen (on hover, focus or after a long press). */
    boolean actionsShown(String conversation, long offset) {
        return Boolean.TRUE.equals(script("return getComputedStyle(arguments[0].querySelector('.actions')).opacity === '1'",
                messageElement(conversation, offset)));
    }

    private WebElement messageElement(String conversation, long offset) {
        return driver.findElement(By.cssSelector(
                ".thread[data-conversation='" + conversation + "'] li.msg[data-offset='" + offset + "']"));
    }

    // ---- search

    /** Whether the shown room offers a search box (only servers with durable history do). */
    boolean searchOffered() {
        return driver.findElement(By.id("search-form")).isDisplayed();
    }

    /** Types a query into the search box and presses Enter. */
    void search(String query) {
        WebElement input = driver.findElement(By.id("search-query"));
        input.clear();
        input.sendKeys(query, Keys.ENTER);
    }

    /** Whether search results are shown in place of the conversation. */
    boolean resultsShown() {
        return driver.findElement(By.id("search-results")).isDisplayed();
    }

    /** The search results, top to bottom, with sender, text and offset (and whether each shows its time). */
    @SuppressWarnings("unchecked")
    List<Item> results() {
        List<Map<String, Object>> raw = (List<Map<String, Object>>) script("""
                return [...document.querySelectorAll('#search-list > li')].map(li => ({
                  from: li.dataset.from, text: li.querySelector('.text').textContent,
                  offset: Number(li.dataset.offset), timed: li.querySelector('time[datetime]') !== null,
                }));
                """);
        return raw.stream().filter(result -> Boolean.TRUE.equals(result.get("timed")))
                .map(result -> new Item("message", (String) result.get("from"), (String) result.get("text"),
                        ((Number) result.get("offset")).longValue(), false)).toList();
    }

    /** The line above the results: what was searched and how much was found. */
    String resultsSummary() {
        return text(By.id("search-summary"));
    }

    boolean offersMoreResults() {
        return driver.findElement(By.id("search-more")).isDisplayed();
    }

    void moreResults() {
        driver.findElement(By.id("search-more")).click();
    }

    // ---- connection

    /** The connection indicator's state: online, connecting, waiting, replaced or stopped. */
    String connectionState() {
        return driver.findElement(By.id("status")).getDomAttribute("data-state");
    }

    /** The indicator's detail: the round trip ("12 ms") while online, the countdown while waiting. */
    String connectionDetail() {
        return text(By.id("status-detail"));
    }

    void clickReconnectNow() {
        driver.findElement(By.id("status-retry")).click();
    }

    // ---- the page itself

    /** The element that has the keyboard focus: its id, or its tag name when it has none. */
    String focused() {
        return (String) script("const e = document.activeElement; return e.id || e.tagName.toLowerCase()");
    }

    /** Presses keys in whatever element has the focus. */
    void press(CharSequence... keys) {
        driver.switchTo().activeElement().sendKeys(keys);
    }

    Object script(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    @SuppressWarnings("unchecked")
    private List<String> strings(String script) {
        return (List<String>) script(script);
    }

    private String text(By by) {
        return (String) script("return arguments[0].textContent", driver.findElement(by));
    }
}
