package dev.parley.server.browser;

import dev.parley.testing.Jwts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.time.Duration;

import static dev.parley.server.browser.ChatPage.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The page on a server with auth: the token from the URL fragment (then taken out of the address
 * bar), the refusal without one, and the {@code window.parleyToken} hook asked again to refresh
 * the token before it expires.
 */
@ExtendWith(RequiresChromium.class)
class BrowserTokenIT {
    @RegisterExtension
    static final ChatFixture FIXTURE = ChatFixture.server(config -> config
            .with("--jwt-hmac-secret", Jwts.SECRET));

    private static Browser browser;

    @BeforeAll
    static void start() {
        browser = FIXTURE.launch(1024, 768);
    }

    @Test
    void takesTheTokenFromTheFragmentAndHidesIt() {
        String token = Jwts.hs256("fragment", Duration.ofMinutes(5));
        ChatPage page = browser.openInFreshTab(URI.create(FIXTURE.page("") + "#token=" + token));
        assertThat((String) page.script("return location.href")).doesNotContain(token);
        page.login("fragment");
        eventually(() -> assertThat(page.connectionState()).isEqualTo("online"));
    }

    @Test
    void withoutATokenTheLoginSaysSo() {
        ChatPage page = browser.openInFreshTab(FIXTURE.page(""));
        page.submitNick("anonymous");
        eventually(() -> assertThat(page.loginError()).contains("sign-in token"));
    }

    @Test
    void theHookIsAskedAgainToRefreshBeforeExpiry() {
        // The first token expired 1 s ago, inside the server's 5 s leeway: unrefreshed, the session
        // would be closed with 4003 at most 4 s after hello.
        String expiring = Jwts.hs256("hooked", Duration.ofSeconds(-1));
        String fresh = Jwts.hs256("hooked", Duration.ofMinutes(5));
        ChatPage page = browser.openInFreshTab(FIXTURE.page(""));
        page.script("window.parleyTokenCalls = 0;"
                + "window.parleyToken = () => ++window.parleyTokenCalls === 1 ? arguments[0] : arguments[1];",
                expiring, fresh);
        page.login("hooked");
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(9))
                .until(() -> "online".equals(page.connectionState()));
        assertThat(((Number) page.script("return window.parleyTokenCalls")).intValue()).isEqualTo(2);
    }

    @Test
    void fetchesTheTokenFromASameOriginEndpointOnly() {
        String token = Jwts.hs256("fetched", Duration.ofMinutes(5));
        // The page's fetch is replaced so that the endpoint need not exist on the test server.
        String fakeFetch = "const token = arguments[0]; window.fetchedUrls = [];"
                + "window.fetch = async (url) => { window.fetchedUrls.push(String(url));"
                + " return new Response(JSON.stringify({token})); };";
        ChatPage page = browser.openInFreshTab(FIXTURE.page("tokenUrl=/auth/parley-token"));
        page.script(fakeFetch, token);
        page.login("fetched");
        assertThat(page.script("return window.fetchedUrls")).asList().containsExactly("/auth/parley-token");

        ChatPage elsewhere = browser.openInFreshTab(FIXTURE.page("tokenUrl=https://elsewhere.example/token"));
        elsewhere.script(fakeFetch, token);
        elsewhere.submitNick("fetched2");
        eventually(() -> assertThat(elsewhere.loginError()).contains("sign-in token"));
        assertThat(elsewhere.script("return window.fetchedUrls")).asList().isEmpty();
    }
}
