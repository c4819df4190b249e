package dev.parley.server.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.DefaultEventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class StaggeredCloseTest {
    private final DefaultEventExecutor executor = new DefaultEventExecutor();
    private final ConcurrentLinkedQueue<Long> toldAtNanos = new ConcurrentLinkedQueue<>();
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @AfterEach
    void tearDown() {
        executor.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    private List<Channel> channels(int count) {
        for (int i = 0; i < count; i++) {
            channels.add(new EmbeddedChannel(new ChannelInboundHandlerAdapter() {
                @Override
                public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                    if (evt == ServerContext.STOPPING) {
                        toldAtNanos.add(System.nanoTime());
                    }
                }
            }));
        }
        return List.copyOf(channels);
    }

    private long spreadMs() {
        return TimeUnit.NANOSECONDS.toMillis(toldAtNanos.stream().mapToLong(Long::longValue).max().orElseThrow()
                - toldAtNanos.stream().mapToLong(Long::longValue).min().orElseThrow());
    }

    @Test
    void tellsEveryConnectionOnceSpreadOverTheWindow() {
        StaggeredClose close = StaggeredClose.start(channels(400), 1_000, executor);

        assertThat(close.windowMs()).isEqualTo(1_000);
        await().atMost(10, TimeUnit.SECONDS).until(() -> toldAtNanos.size() == 400);
        assertThat(spreadMs()).as("not all at once").isGreaterThanOrEqualTo(900);
        await().during(100, TimeUnit.MILLISECONDS).until(() -> toldAtNanos.size() == 400);
    }

    @Test
    void aFewConnectionsAreToldAtTheMinimumPaceInsteadOfWaitingOutTheWindow() {
        StaggeredClose close = StaggeredClose.start(channels(20), 10_000, executor);

        assertThat(close.windowMs()).isEqualTo(20 * 1_000 / StaggeredClose.MIN_CLOSES_PER_SECOND);
        await().atMost(5, TimeUnit.SECONDS).until(() -> toldAtNanos.size() == 20);
    }

    @Test
    void cancelStopsTellingTheRest() {
        StaggeredClose close = StaggeredClose.start(channels(1_000), 5_000, executor);
        await().atMost(5, TimeUnit.SECONDS).until(() -> !toldAtNanos.isEmpty());
        close.cancel();
        int told = toldAtNanos.size();
        await().during(200, TimeUnit.MILLISECONDS).atMost(2, TimeUnit.SECONDS).until(() -> toldAtNanos.size() <= told + 10);
        assertThat(toldAtNanos.size()).isLessThan(1_000);
    }
}
