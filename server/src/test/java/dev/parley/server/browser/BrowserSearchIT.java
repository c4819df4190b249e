package dev.parley.server.browser;

import dev.parley.testing.PostgresExtension;
import dev.parley.testing.TestSocket;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.Keys;

import java.util.List;
import java.util.stream.LongStream;

import static dev.parley.server.browser.ChatPage.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The page on a server with durable history in a real PostgreSQL: scrolling up pages back to a
 * room's first message, far past what the server keeps in memory (--history-size 20), and the
 * room's search box finds messages newest first, a page at a time.
 */
@ExtendWith(RequiresChromium.class)
class BrowserSearchIT {
    private static final int MESSAGES = 150;

    @RegisterExtension
    @Order(1)
    static final PostgresExtension POSTGRES = new PostgresExtension();

    @RegisterExtension
    @Order(2)
    static final ChatFixture FIXTURE = ChatFixture.server(config -> config
            .with("--database-url", POSTGRES.server().url()).with("--history-size", 20));

    /** Every fifth message has the word "needle", the others "hay". */
    private static String text(long offset) {
        return "message " + offset + (offset % 5 == 0 ? " with a needle" : " of hay");
    }

    private static List<Long> offsets(long from, long to, long step) {
        return LongStream.iterate(from, offset -> step > 0 ? offset <= to : offset >= to, offset -> offset + step)
                .boxed().toList();
    }

    @Test
    void scrollingUpReachesTheFirstMessageAndSearchPagesNewestFirst() {
        try (TestSocket poster = TestSocket.login(FIXTURE.socket(), "poster")) {
            poster.request("joined", "type", "join", "room", "archive");
            for (long offset = 1; offset <= MESSAGES; offset++) {
                assertThat(poster.request("ack", "type", "send", "room", "archive", "text", text(offset))
                        .get("offset").asLong()).isEqualTo(offset);
            }

            ChatPage page = FIXTURE.launch(1280, 800).open(FIXTURE.page(""));
            page.login("reader");
            page.joinRoom("archive");
            eventually(() -> {
                page.scrollToTop("room:archive");
                assertThat(page.olderNote("room:archive")).isEqualTo("This is the beginning of #archive.");
            });
            assertThat(page.offsets("room:archive")).as("every message, once, in order").isEqualTo(offsets(1, MESSAGES, 1));
            assertThat(page.messages("room:archive")).first().isEqualTo("poster: " + text(1));

            assertThat(page.searchOffered()).isTrue();
            page.search("needle");
            eventually(() -> {
                assertThat(page.resultsShown()).isTrue();
                assertThat(page.results()).extracting(ChatPage.Item::offset).as("the first page, newest first")
                        .isEqualTo(offsets(MESSAGES, 55, -5));
                assertThat(page.offersMoreResults()).isTrue();
            });
            assertThat(page.results().get(0).summary()).isEqualTo("poster: " + text(MESSAGES));
            assertThat(page.controls()).as("every control shown has a name")
                    .filteredOn(control -> control.isDisplayed() && control.getAccessibleName().isBlank()).isEmpty();
            assertThat(page.controls()).filteredOn(control -> "search-query".equals(control.getDomAttribute("id")))
                    .singleElement().extracting(control -> control.getAccessibleName()).isEqualTo("Search #archive");
            assertThat(page.resultsSummary()).isEqualTo("20+ messages match “needle” in #archive, newest first.");

            page.moreResults();
            eventually(() -> {
                assertThat(page.results()).extracting(ChatPage.Item::offset).isEqualTo(offsets(MESSAGES, 5, -5));
                assertThat(page.offersMoreResults()).isFalse();
                assertThat(page.resultsSummary()).isEqualTo("30 messages match “needle” in #archive, newest first.");
            });

            page.press(Keys.ESCAPE);
            eventually(() -> assertThat(page.resultsShown()).isFalse());
            assertThat(page.focused()).as("back in the conversation").isEqualTo("composer-text");

            page.search("nowhere");
            eventually(() -> assertThat(page.resultsSummary()).isEqualTo("No messages match “nowhere” in #archive."));
            assertThat(page.results()).isEmpty();
            page.search("needle hay");
            eventually(() -> assertThat(page.resultsSummary()).isEqualTo("No messages match “needle hay” in #archive."));
        }
    }
}
