package dev.parley.server.browser;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.logging.Level;
import java.util.stream.Stream;

/**
 * Debian's headless Chromium driven through its own {@code /usr/bin/chromedriver}, for the browser
 * tests. Both binaries are named outright, so Selenium Manager never runs and nothing is
 * downloaded; every browser gets a fresh profile, deleted when it quits.
 *
 * <p>Where Chromium is not installed, {@link RequiresChromium} skips the browser tests with
 * {@link #NOT_INSTALLED}, which says how to install it.
 */
final class Chromium {
    static final Path BROWSER = Path.of(System.getProperty("parley.chromium", "/usr/bin/chromium"));
    static final Path DRIVER = Path.of(System.getProperty("parley.chromedriver", "/usr/bin/chromedriver"));

    private Chromium() {
    }

    static final String NOT_INSTALLED = "browser tests skipped: no " + BROWSER + " or " + DRIVER
            + "; install them with: sudo apt-get install chromium chromium-driver";

    static boolean installed() {
        return Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER);
    }

    /** A new headless browser with an empty profile, its window {@code width} x {@code height}. */
    static Browser launch(int width, int height) {
        Path profile;
        try {
            profile = Files.createTempDirectory("parley-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments(
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-extensions",
                "--disable-features=Translate,MediaRouter,OptimizationHints",
                "--lang=en-US", "--window-size=" + width + "," + height,
                "--user-data-dir=" + profile);
        LoggingPreferences logging = new LoggingPreferences();
        logging.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logging);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .withLogOutput(OutputStream.nullOutputStream())
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
        return new Browser(driver, () -> deleteTree(profile));
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // the profile is in the temp folder; leaving it behind is harmless
        }
    }
}
