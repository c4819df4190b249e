package dev.parley.server.browser;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.TestSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static dev.parley.server.browser.ChatPage.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's "Build your own chat UI" page, as written there, in Chromium: loaded from a file
 * (another origin than the server's, so importing {@code /parley.js} and the modules it imports
 * from {@code /parley/} needs their CORS header), it signs in, shows a Java client's message and
 * sends one back.
 */
@ExtendWith(RequiresChromium.class)
class ReadmeChatPageIT {
    private static final Pattern PAGE = Pattern.compile("## Build your own chat UI.*?```html\\n(.*?)```", Pattern.DOTALL);

    @RegisterExtension
    static final ChatFixture FIXTURE = ChatFixture.server(config -> config);

    @Test
    void theReadmePageChatsWithTheLibraryFromTheServer() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher page = PAGE.matcher(readme);
        assertThat(page.find()).as("the README has the page").isTrue();
        String html = page.group(1);
        assertThat(html.lines().count()).as("a page of under 30 lines").isLessThan(30);
        String server = FIXTURE.page("").getAuthority();
        Path file = Path.of("target", "readme-chat", "chat.html").toAbsolutePath();
        Files.createDirectories(file.getParent());
        Files.writeString(file, html.replace("localhost:8080", server));

        Browser browser = FIXTURE.launch(1000, 700);
        ChromeDriver driver = browser.driver();
        try (TestSocket java = TestSocket.login(FIXTURE.socket(), "writer")) {
            java.request("joined", "type", "join", "room", "general");
            driver.get(file.toUri().toString());
            Alert prompt = new WebDriverWait(driver, Duration.ofSeconds(10)).until(ExpectedConditions.alertIsPresent());
            prompt.sendKeys("reader");
            prompt.accept();
            JsonNode joined = java.take(event -> event.path("type").asText().equals("presence"), "the page joining");
            assertThat(joined.get("nick").asText()).isEqualTo("reader");
            assertThat(fetchedFromServer(driver)).as("the library and each of its modules came from the server")
                    .containsAll(libraryFiles());

            java.request("ack", "type", "send", "room", "general", "text", "<b>hi</b> from java");
            eventually(() -> assertThat(lines(driver)).containsExactly("writer: <b>hi</b> from java"));

            driver.findElement(By.id("text")).sendKeys("hello from the README");
            driver.findElement(By.cssSelector("#form button")).click();
            JsonNode message = java.take(event -> event.path("from").asText().equals("reader"), "the page's message");
            assertThat(message.get("text").asText()).isEqualTo("hello from the README");
            eventually(() -> assertThat(lines(driver)).containsExactly("writer: <b>hi</b> from java", "reader: hello from the README"));
            assertThat(driver.findElement(By.id("text")).getDomProperty("value")).as("the form was reset").isEmpty();
        }
        eventually(() -> assertThat(lines(driver)).endsWith("writer left"));
    }

    /** The paths of the resources the page fetched (the page runs only if their CORS headers let it read them). */
    @SuppressWarnings("unchecked")
    private static List<String> fetchedFromServer(ChromeDriver driver) {
        return (List<String>) driver.executeScript(
                "return performance.getEntriesByType('resource').map(entry => new URL(entry.name).pathname)");
    }

    /** {@code /parley.js} and {@code /parley/<module>} for each module in client-js. */
    private static List<String> libraryFiles() throws IOException {
        try (Stream<Path> modules = Files.list(Path.of("..", "client-js", "parley"))) {
            return Stream.concat(Stream.of("/parley.js"), modules.map(module -> "/parley/" + module.getFileName())).toList();
        }
    }

    private static List<String> lines(ChromeDriver driver) {
        return driver.findElements(By.cssSelector("#log li")).stream().map(li -> li.getText()).toList();
    }
}
