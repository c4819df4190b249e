package dev.parley.server.http;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OriginCheckHandlerTest {

    private static Object pass(EmbeddedChannel channel, String uri, String origin) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
        if (origin != null) {
            request.headers().set("Origin", origin);
        }
        channel.writeInbound(request);
        return channel.readInbound();
    }

    @Test
    void refusesUnlistedOriginsOnTheWebSocketPathOnly() {
        EmbeddedChannel channel = new EmbeddedChannel(new OriginCheckHandler("/ws", List.of("https://Chat.Example.com/")));
        try {
            FullHttpRequest allowed = (FullHttpRequest) pass(channel, "/ws", "https://chat.example.com");
            assertThat(allowed).isNotNull();
            allowed.release();
            FullHttpRequest noOrigin = (FullHttpRequest) pass(channel, "/ws", null);
            assertThat(noOrigin).isNotNull();
            noOrigin.release();
            FullHttpRequest page = (FullHttpRequest) pass(channel, "/", "https://evil.example");
            assertThat(page).as("only the upgrade is guarded").isNotNull();
            page.release();

            assertThat(pass(channel, "/ws?x=1", "https://evil.example")).isNull();
            FullHttpResponse refused = channel.readOutbound();
            assertThat(refused.status()).isEqualTo(HttpResponseStatus.FORBIDDEN);
            refused.release();
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void anEmptyListAllowsEveryOrigin() {
        EmbeddedChannel channel = new EmbeddedChannel(new OriginCheckHandler("/ws", List.of()));
        FullHttpRequest request = (FullHttpRequest) pass(channel, "/ws", "https://anywhere.example");
        assertThat(request).isNotNull();
        request.release();
        channel.finishAndReleaseAll();
    }
}
