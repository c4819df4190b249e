package dev.parley.server.browser;

import dev.parley.testing.TestSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static dev.parley.server.browser.ChatPage.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A room over the presence limit (3 here) in the browser: the member count follows the server's
 * occupancy events, and the member list comes a page at a time.
 */
@ExtendWith(RequiresChromium.class)
class BrowserLargeRoomIT {
    @RegisterExtension
    static final ChatFixture FIXTURE = ChatFixture.server(config -> config.with("--presence-limit", 3));

    @Test
    void showsTheCountAndPagesTheMemberList() {
        List<TestSocket> others = new ArrayList<>();
        try {
            for (String nick : List.of("m1", "m2", "m3", "m4")) {
                TestSocket socket = TestSocket.login(FIXTURE.socket(), nick);
                socket.request("joined", "type", "join", "room", "crowd");
                others.add(socket);
            }
            ChatPage page = FIXTURE.launch(1280, 800).open(FIXTURE.page(""));
            page.login("zed");
            page.joinRoom("crowd");
            eventually(() -> {
                assertThat(page.membersHeading()).isEqualTo("Members · 5");
                assertThat(page.members()).as("the first page: the limit's worth, in nick order").containsExactly("m1", "m2", "m3");
                assertThat(page.offersMoreMembers()).isTrue();
            });

            page.showMoreMembers();
            eventually(() -> {
                assertThat(page.members()).containsExactly("m1", "m2", "m3", "m4", "zed");
                assertThat(page.offersMoreMembers()).isFalse();
            });

            TestSocket late = TestSocket.login(FIXTURE.socket(), "m5");
            others.add(late);
            late.request("joined", "type", "join", "room", "crowd");
            eventually(() -> assertThat(page.membersHeading()).as("told by occupancy, within a second")
                    .isEqualTo("Members · 6"));
            assertThat(page.items("room:crowd")).as("no join notices over the limit")
                    .noneMatch(item -> item.kind().equals("notice"));
        } finally {
            others.forEach(TestSocket::close);
        }
    }
}
