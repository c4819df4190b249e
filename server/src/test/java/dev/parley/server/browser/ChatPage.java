package dev.parley.server.browser;

import org.awaitility.core.ThrowingRunnable;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

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
            return [...thread.querySelectorAll('.items > li:not(.day)')].map(li => {
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
