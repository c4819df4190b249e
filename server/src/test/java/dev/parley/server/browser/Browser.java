package dev.parley.server.browser;

import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

/**
 * One running browser (see {@link Chromium#launch}): opens Parley pages in it, takes screenshots
 * and reads its console. Quitting it deletes its profile.
 */
final class Browser implements AutoCloseable {
    private final ChromeDriver driver;
    private final Runnable cleanup;

    Browser(ChromeDriver driver, Runnable cleanup) {
        this.driver = driver;
        this.cleanup = cleanup;
    }

    /** Loads the chat page at {@code uri} in the current tab. */
    ChatPage open(URI uri) {
        driver.get(uri.toString());
        return ChatPage.loaded(driver);
    }

    /** The driver itself, for pages other than Parley's own. */
    ChromeDriver driver() {
        return driver;
    }

    /** Reloads the current tab, as the browser's reload button does. */
    ChatPage reload() {
        driver.navigate().refresh();
        return ChatPage.loaded(driver);
    }

    /** Loads the chat page at {@code uri} in a new tab, which becomes the current one. */
    ChatPage openInNewTab(URI uri) {
        driver.switchTo().newWindow(WindowType.TAB);
        return open(uri);
    }

    /**
     * Loads the chat page in a tab of its own, closing the tabs earlier tests left (a tab keeps its
     * session across loads; a new tab starts without one).
     */
    ChatPage openInFreshTab(URI uri) {
        while (driver.getWindowHandles().size() > 1) {
            closeTab();
        }
        return openInNewTab(uri);
    }

    /** Closes the current tab and goes to another one. */
    void closeTab() {
        driver.close();
        driver.switchTo().window(driver.getWindowHandles().iterator().next());
    }

    void resize(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    /** Makes the page see {@code prefers-color-scheme: scheme} ("light" or "dark"). */
    void colorScheme(String scheme) {
        driver.executeCdpCommand("Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
    }

    /** Saves what the current tab shows as a PNG, creating the folder if needed. */
    void screenshot(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The console errors (script errors, CSP violations, failed loads) since the last call. */
    List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .toList();
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            cleanup.run();
        }
    }
}
