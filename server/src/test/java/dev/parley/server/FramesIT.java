package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.RawWebSocket;
import dev.parley.testing.TestSocket;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.extensions.permessage_deflate.PerMessageDeflateExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What the transport does with frames: binary, invalid UTF-8, too big, fragmented, compressed. */
class FramesIT {
    private static final int MAX_FRAME = 4096;
    private static ParleyServer server;

    @BeforeAll
    static void start() {
        server = TestServers.start(c -> c.with("--max-frame-bytes", MAX_FRAME).with("--max-text-chars", MAX_FRAME));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static RawWebSocket hello(String nick) throws IOException {
        RawWebSocket ws = RawWebSocket.connect(server.address(), "/ws");
        ws.sendText("{\"type\":\"hello\",\"nick\":\"" + nick + "\"}");
        assertThat(ws.readText()).contains("\"welcome\"");
        return ws;
    }

    @Test
    void framesSentRightBehindTheUpgradeRequestAreNotLost() throws IOException {
        try (RawWebSocket ws = RawWebSocket.connectSendingAtOnce(server.address(), "/ws",
                "{\"type\":\"hello\",\"nick\":\"eager\"}")) {
            assertThat(ws.readText()).startsWith("{\"type\":\"welcome\"");
        }
    }

    @Test
    void binaryFramesCloseWith1003() throws IOException {
        try (RawWebSocket ws = hello("binary")) {
            ws.send(RawWebSocket.BINARY, true, new byte[] {1, 2, 3});
            assertThat(ws.readUntil(RawWebSocket.CLOSE).closeCode()).isEqualTo(1003);
        }
    }

    @Test
    void invalidUtf8ClosesWith1007() throws IOException {
        try (RawWebSocket ws = hello("utf8")) {
            ws.send(RawWebSocket.TEXT, true, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'});
            assertThat(ws.readUntil(RawWebSocket.CLOSE).closeCode()).isEqualTo(1007);
        }
    }

    /** Only the header is sent: the limit is checked on it, and unread payload would reset the connection. */
    @Test
    void aFrameOverTheLimitClosesWith1009() throws IOException {
        try (RawWebSocket ws = hello("big")) {
            int length = MAX_FRAME + 1;
            ws.socket().getOutputStream().write(new byte[] {(byte) 0x81, (byte) (0x80 | 126),
                    (byte) (length >>> 8), (byte) length, 0, 0, 0, 0});
            assertThat(ws.readUntil(RawWebSocket.CLOSE).closeCode()).isEqualTo(1009);
        }
    }

    @Test
    void fragmentedMessagesAreReassembled() throws IOException {
        try (RawWebSocket ws = hello("fragments")) {
            byte[] ping = "{\"type\":\"ping\",\"id\":\"fragmented\"}".getBytes(StandardCharsets.UTF_8);
            ws.send(RawWebSocket.TEXT, false, java.util.Arrays.copyOfRange(ping, 0, 5));
            ws.send(RawWebSocket.PING, true, new byte[0]);
            ws.send(RawWebSocket.CONTINUATION, false, java.util.Arrays.copyOfRange(ping, 5, 12));
            ws.send(RawWebSocket.CONTINUATION, true, java.util.Arrays.copyOfRange(ping, 12, ping.length));
            assertThat(ws.readText()).contains("\"pong\"").contains("fragmented");
        }
    }

    @Test
    void fragmentsOverTheLimitInTotalCloseWith1009() throws IOException {
        try (RawWebSocket ws = hello("many-fragments")) {
            ws.send(RawWebSocket.TEXT, false, new byte[MAX_FRAME / 2]);
            ws.send(RawWebSocket.CONTINUATION, false, new byte[MAX_FRAME / 2]);
            ws.send(RawWebSocket.CONTINUATION, true, new byte[10]);
            assertThat(ws.readUntil(RawWebSocket.CLOSE).closeCode()).isEqualTo(1009);
        }
    }

    @Test
    void otherClientsCarryOnWhenOneMisbehaves() throws IOException {
        try (TestSocket calm = TestServers.member(server, "calm-f", "frames");
             RawWebSocket bad = hello("bad-f")) {
            bad.send(RawWebSocket.BINARY, true, new byte[] {9});
            bad.readUntil(RawWebSocket.CLOSE);
            assertThat(calm.request("ack", "type", "send", "room", "frames", "text", "still here").get("offset").asLong())
                    .isPositive();
        }
    }

    @Test
    void aCompressedMessageThatInflatesPastTheLimitClosesWith1009() throws IOException {
        try (RawWebSocket ws = RawWebSocket.connect(server.address(), "/ws", 0,
                "Sec-WebSocket-Extensions: permessage-deflate\r\n")) {
            ws.send(RawWebSocket.TEXT, true, true, deflate(new byte[MAX_FRAME * 4]));
            assertThat(ws.readUntil(RawWebSocket.CLOSE).closeCode()).isEqualTo(1009);
        }
    }

    /** Raw DEFLATE as RFC 7692 sends it: sync-flushed, without the trailing 00 00 ff ff. */
    private static byte[] deflate(byte[] data) {
        java.util.zip.Deflater deflater = new java.util.zip.Deflater(java.util.zip.Deflater.DEFAULT_COMPRESSION, true);
        deflater.setInput(data);
        byte[] out = new byte[data.length + 64];
        int length = deflater.deflate(out, 0, out.length, java.util.zip.Deflater.SYNC_FLUSH);
        deflater.end();
        return java.util.Arrays.copyOf(out, length - 4);
    }

    @Test
    void permessageDeflateIsNegotiatedWhenOffered() {
        Draft_6455 deflate = new Draft_6455(new PerMessageDeflateExtension());
        try (TestSocket socket = TestSocket.connect(server.webSocketUri(), deflate, Map.of())) {
            assertThat(socket.client().getConnection().getDraft()).isInstanceOfSatisfying(Draft_6455.class,
                    d -> assertThat(d.getExtension()).isInstanceOf(PerMessageDeflateExtension.class));
            socket.request("welcome", "type", "hello", "nick", "squeezed");
            socket.request("joined", "type", "join", "room", "deflated");
            String text = "compressible ".repeat(200);
            socket.request("ack", "type", "send", "room", "deflated", "text", text);
            JsonNode message = socket.next("message");
            assertThat(message.get("text").asText()).isEqualTo(text);
        }
    }
}
