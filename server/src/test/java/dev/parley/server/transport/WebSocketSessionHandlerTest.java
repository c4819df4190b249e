package dev.parley.server.transport;

import dev.parley.server.config.ServerConfig;
import dev.parley.server.auth.Authenticator;
import dev.parley.server.limits.AddressLimiter;
import dev.parley.server.limits.ClientAddresses;
import dev.parley.server.metrics.ServerMetrics;
import dev.parley.server.node.Backend;
import dev.parley.server.node.Node;
import dev.parley.server.node.UserSessions;
import dev.parley.server.session.SessionSettings;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class WebSocketSessionHandlerTest {
    private final ServerConfig config = ServerConfig.builder().with("--hello-timeout-ms", 1_000)
            .with("--close-timeout-ms", 100).build();
    private final ServerMetrics metrics = new ServerMetrics();
    private final Node node = new Node(Backend.inMemory(10, System::currentTimeMillis), metrics, ByteBufAllocator.DEFAULT,
            System::currentTimeMillis, config.presenceLimit(), UserSessions.EXCLUSIVE, GlobalEventExecutor.INSTANCE);
    private boolean stopping;
    private EmbeddedChannel channel;

    @BeforeEach
    void setUp() {
        ServerContext context = new ServerContext(config, node, metrics,
                new SessionSettings(config.limits(), 1, 2, 3, "parley/test", false, config.maxOutboundBytes()),
                new DefaultChannelGroup(GlobalEventExecutor.INSTANCE), () -> stopping, () -> true, () -> true,
                () -> stopping,
                Authenticator.OPEN, null, new ClientAddresses(List.of()), new AddressLimiter(0, 0, System::nanoTime));
        channel = new EmbeddedChannel(new WebSocketSessionHandler(context));
        channel.freezeTime();
        channel.pipeline().fireUserEventTriggered(
                new WebSocketServerProtocolHandler.HandshakeComplete("/ws", new DefaultHttpHeaders(), null));
    }

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
        metrics.close();
    }

    private String readText() {
        TextWebSocketFrame frame = channel.readOutbound();
        try {
            return frame.text();
        } finally {
            frame.release();
        }
    }

    private int readCloseCode() {
        CloseWebSocketFrame frame = channel.readOutbound();
        try {
            return frame.statusCode();
        } finally {
            frame.release();
        }
    }

    @Test
    void textFramesAreCommandsForTheSession() {
        channel.writeInbound(new TextWebSocketFrame("{\"type\":\"hello\",\"id\":1,\"nick\":\"embedded\"}"));
        assertThat(readText()).startsWith("{\"type\":\"welcome\",\"id\":1,");
        channel.writeInbound(new TextWebSocketFrame("not json"));
        assertThat(readText()).contains("\"code\":\"bad_json\"");
        assertThat(node.hub().memberCount()).isEqualTo(1);
    }

    @Test
    void binaryFramesCloseWith1003() {
        channel.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1})));
        assertThat(readCloseCode()).isEqualTo(1003);
    }

    @Test
    void tooLongMessagesCloseWith1009() {
        channel.pipeline().fireExceptionCaught(new TooLongFrameException("too long"));
        assertThat(readCloseCode()).isEqualTo(1009);
    }

    @Test
    void unexpectedFailuresCloseWith1011() {
        channel.pipeline().fireExceptionCaught(new IllegalStateException("bug"));
        assertThat(readCloseCode()).isEqualTo(1011);
    }

    @Test
    void aClientsCloseIsEchoedAndEndsTheSessionOnce() {
        channel.writeInbound(new TextWebSocketFrame("{\"type\":\"hello\",\"nick\":\"leaver\"}"));
        readText();
        channel.writeInbound(new CloseWebSocketFrame(4100, "bye"));
        assertThat(readCloseCode()).isEqualTo(4100);
        assertThat(channel.isOpen()).isFalse();
        assertThat(node.hub().memberCount()).isZero();
        assertThat(metrics.scrape()).as("a code of the client's own counts as other")
                .contains("parley_closes_total{code=\"other\"} 1.0");
        assertThat(metrics.activeConnections()).isZero();
    }

    @Test
    void noHelloInTimeClosesWith4008AndTheTimerDiesWithTheChannel() {
        channel.advanceTimeBy(1_000, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(readCloseCode()).isEqualTo(4008);
        channel.advanceTimeBy(100, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isFalse();
        assertThat(channel.runScheduledPendingTasks()).isEqualTo(-1);
        assertThat(metrics.scrape()).contains("parley_closes_total{code=\"4008\"} 1.0");
    }

    @Test
    void aStoppingServerClosesWith1001() {
        stopping = true;
        channel.pipeline().fireUserEventTriggered(ServerContext.STOPPING);
        assertThat(readCloseCode()).isEqualTo(1001);
    }
}
