package dev.parley.server.node;

import dev.parley.server.presence.MemoryPresence;
import dev.parley.testing.EventLoops;
import io.netty.channel.DefaultEventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The occupancy watch against the in-memory presence on a real event loop, with a short interval and a limit of 2. */
class OccupancyWatchTest {
    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final MemoryPresence presence = new MemoryPresence();
    private final Set<String> local = ConcurrentHashMap.newKeySet();
    private final List<String> announced = new CopyOnWriteArrayList<>();
    private final OccupancyWatch watch = new OccupancyWatch(presence, 2, loop, 20, local::contains,
            (room, count) -> announced.add(room + "=" + count));

    @AfterEach
    void tearDown() throws Exception {
        watch.close();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    private void members(String room, String... nicks) {
        for (String nick : nicks) {
            presence.join(room, nick, "s-" + nick).join();
        }
    }

    @Test
    void announcesEachChangeUntilTheRoomIsBackWithinTheLimitThenStopsItsTimer() {
        local.add("r");
        members("r", "a", "b", "c");
        watch.watch("r");
        await().until(() -> announced.contains("r=3"));
        members("r", "d", "e");
        await().until(() -> announced.contains("r=5"));
        presence.leave("r", "e", "s-e").join();
        presence.leave("r", "d", "s-d").join();
        presence.leave("r", "c", "s-c").join();
        await().until(() -> announced.contains("r=2"));
        await().until(() -> EventLoops.scheduledTasks(loop) == 0);
        assertThat(announced).as("a count is announced once, whatever the number of reads")
                .doesNotHaveDuplicates().startsWith("r=3").endsWith("r=2");
    }

    @Test
    void forgetsARoomWithoutLocalMembers() {
        members("gone", "a", "b", "c");
        watch.watch("gone");
        await().until(() -> EventLoops.scheduledTasks(loop) == 0);
        assertThat(announced).containsExactly("gone=3");
    }

    @Test
    void watchingAfterCloseStartsNoTimer() {
        local.add("r");
        members("r", "a", "b", "c");
        watch.close();
        watch.watch("r");
        assertThat(EventLoops.scheduledTasks(loop)).isZero();
    }
}
