package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.parley.testing.Jwts;
import dev.parley.testing.RawWebSocket;
import dev.parley.testing.TestSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A corpus of hostile inputs, each answered by its documented code and nothing else, while two
 * bystanders keep chatting in another room after every case: malformed JSON and commands on an
 * authenticated session (which stays open), broken WebSocket frames (closed with their codes),
 * bad HTTP requests (refused with their statuses) and bad tokens (unauthorized, then 1008).
 */
class HostileInputIT {
    private static final String API_KEY = "hostile-api-key-0123456789";
    private static ParleyServer server;
    private static TestSocket alice;
    private static TestSocket bob;
    private static TestSocket attacker;
    private static final AtomicInteger CHATTED = new AtomicInteger();

    @BeforeAll
    static void start() {
        server = TestServers.start(c -> c.with("--max-text-chars", 1_000).with("--burst", 100)
                .with("--rate-per-sec", 100)
                .with("--jwt-hmac-secret", Jwts.SECRET).with("--api-key", API_KEY));
        alice = login("alice", List.of("lobby"));
        bob = login("bob", List.of("lobby"));
        alice.request("joined", "type", "join", "room", "lobby");
        bob.request("joined", "type", "join", "room", "lobby");
        alice.next("presence");
        attacker = login("mallory", List.of("attic", "team-*"));
        attacker.request("joined", "type", "join", "room", "attic");
    }

    @AfterAll
    static void stop() {
        attacker.close();
        alice.close();
        bob.close();
        server.close();
    }

    private static TestSocket login(String nick, List<String> rooms) {
        TestSocket socket = TestSocket.connect(server.webSocketUri());
        socket.request("welcome", "type", "hello", "nick", nick, "token", Jwts.hs256(nick, Duration.ofHours(1), rooms));
        return socket;
    }

    /** After every case: the bystanders still chat, and the attacker's session is undisturbed. */
    @AfterEach
    void bystandersKeepChatting() {
        String text = "still here " + CHATTED.incrementAndGet();
        assertThat(alice.request("ack", "type", "send", "room", "lobby", "text", text).get("offset").asLong()).isPositive();
        assertThat(bob.next("message").get("text").asText()).isEqualTo(text);
        assertThat(alice.next("message").get("text").asText()).isEqualTo(text);
    }

    // ---- JSON and commands: an error with its code, the session stays open ----

    private record JsonCase(String name, String frame, String code) {
    }

    private static List<JsonCase> jsonCases() {
        String deep = "[".repeat(5_000) + "]".repeat(5_000);
        return List.of(
                new JsonCase("not JSON", "hello there", "bad_json"),
                new JsonCase("empty frame", "", "bad_json"),
                new JsonCase("array", "[{\"type\":\"ping\"}]", "bad_json"),
                new JsonCase("string", "\"ping\"", "bad_json"),
                new JsonCase("null", "null", "bad_json"),
                new JsonCase("number", "12", "bad_json"),
                new JsonCase("trailing garbage", "{\"type\":\"ping\"} {}", "bad_json"),
                new JsonCase("unterminated", "{\"type\":\"ping\"", "bad_json"),
                new JsonCase("single quotes", "{'type':'ping'}", "bad_json"),
                new JsonCase("deep nesting", "{\"type\":\"ping\",\"x\":" + deep + "}", "bad_json"),
                new JsonCase("5000-digit number", "{\"type\":\"ping\",\"x\":" + "9".repeat(5_000) + "}", "bad_json"),
                new JsonCase("huge exponent", "{\"type\":\"history\",\"room\":\"attic\",\"before\":1e999999}", "bad_request"),
                new JsonCase("integer past long", "{\"type\":\"ping\",\"id\":9223372036854775808}", "bad_request"),
                new JsonCase("fractional id", "{\"type\":\"ping\",\"id\":1.5}", "bad_request"),
                new JsonCase("boolean id", "{\"type\":\"ping\",\"id\":true}", "bad_request"),
                new JsonCase("65-char id", "{\"type\":\"ping\",\"id\":\"" + "i".repeat(65) + "\"}", "bad_request"),
                new JsonCase("no type", "{}", "bad_request"),
                new JsonCase("null type", "{\"type\":null}", "bad_request"),
                new JsonCase("numeric type", "{\"type\":5}", "bad_request"),
                new JsonCase("object type", "{\"type\":{\"x\":\"ping\"}}", "bad_request"),
                new JsonCase("unknown type", "{\"type\":\"sudo\"}", "unknown_type"),
                new JsonCase("10k-char type", "{\"type\":\"" + "t".repeat(10_000) + "\"}", "unknown_type"),
                new JsonCase("join without fields", "{\"type\":\"join\"}", "bad_request"),
                new JsonCase("leave without fields", "{\"type\":\"leave\"}", "bad_request"),
                new JsonCase("send without fields", "{\"type\":\"send\"}", "bad_request"),
                new JsonCase("send without text", "{\"type\":\"send\",\"room\":\"attic\"}", "bad_request"),
                new JsonCase("dm without fields", "{\"type\":\"dm\"}", "bad_request"),
                new JsonCase("typing without fields", "{\"type\":\"typing\"}", "bad_request"),
                new JsonCase("who without fields", "{\"type\":\"who\"}", "bad_request"),
                new JsonCase("history without fields", "{\"type\":\"history\"}", "bad_request"),
                new JsonCase("refresh without fields", "{\"type\":\"refresh\"}", "bad_request"),
                new JsonCase("room as array", "{\"type\":\"join\",\"room\":[\"attic\"]}", "bad_request"),
                new JsonCase("room as object", "{\"type\":\"join\",\"room\":{\"name\":\"attic\"}}", "bad_request"),
                new JsonCase("text as number", "{\"type\":\"send\",\"room\":\"attic\",\"text\":42}", "bad_request"),
                new JsonCase("limit as string", "{\"type\":\"history\",\"room\":\"attic\",\"limit\":\"10\"}", "bad_request"),
                new JsonCase("limit too large", "{\"type\":\"history\",\"room\":\"attic\",\"limit\":1000000}", "bad_request"),
                new JsonCase("negative before", "{\"type\":\"history\",\"room\":\"attic\",\"before\":-5}", "bad_request"),
                new JsonCase("since as string", "{\"type\":\"join\",\"room\":\"attic\",\"since\":\"yesterday\"}", "bad_request"),
                new JsonCase("negative since", "{\"type\":\"join\",\"room\":\"attic\",\"since\":{\"epoch\":\"e\",\"offset\":-1}}",
                        "bad_request"),
                new JsonCase("token as number", "{\"type\":\"refresh\",\"token\":123}", "bad_request"),
                new JsonCase("65-char room", "{\"type\":\"join\",\"room\":\"" + "r".repeat(65) + "\"}", "room_invalid"),
                new JsonCase("100k-char room", "{\"type\":\"who\",\"room\":\"" + "r".repeat(60_000) + "\"}", "room_invalid"),
                new JsonCase("NUL in room", "{\"type\":\"join\",\"room\":\"a\\u0000b\"}", "room_invalid"),
                new JsonCase("newline in room", "{\"type\":\"join\",\"room\":\"a\\nb\"}", "room_invalid"),
                new JsonCase("unpaired surrogate room", "{\"type\":\"join\",\"room\":\"\\ud800\"}", "bad_request"),
                new JsonCase("unpaired surrogate text", "{\"type\":\"send\",\"room\":\"attic\",\"text\":\"a\\udc00b\"}",
                        "bad_request"),
                new JsonCase("empty text", "{\"type\":\"send\",\"room\":\"attic\",\"text\":\"\"}", "bad_request"),
                new JsonCase("text too long", "{\"type\":\"send\",\"room\":\"attic\",\"text\":\"" + "x".repeat(1_001) + "\"}",
                        "text_too_long"),
                new JsonCase("33-char dm nick", "{\"type\":\"dm\",\"to\":\"" + "n".repeat(33) + "\",\"text\":\"x\"}",
                        "no_such_user"),
                new JsonCase("send to a room not joined", "{\"type\":\"send\",\"room\":\"lobby\",\"text\":\"x\"}",
                        "not_member"),
                new JsonCase("join outside the token's rooms", "{\"type\":\"join\",\"room\":\"lobby\"}", "forbidden"),
                new JsonCase("edit offset as string", "{\"type\":\"edit\",\"room\":\"attic\",\"offset\":\"1\",\"text\":\"x\"}",
                        "bad_request"),
                new JsonCase("edit offset 0", "{\"type\":\"edit\",\"room\":\"attic\",\"offset\":0,\"text\":\"x\"}", "bad_request"),
                new JsonCase("delete offset past long", "{\"type\":\"delete\",\"room\":\"attic\",\"offset\":9223372036854775808}",
                        "bad_request"),
                new JsonCase("delete of no message", "{\"type\":\"delete\",\"room\":\"attic\",\"offset\":9223372036854775807}",
                        "not_found"),
                new JsonCase("edit in a room not joined", "{\"type\":\"edit\",\"room\":\"lobby\",\"offset\":1,\"text\":\"x\"}",
                        "not_member"),
                new JsonCase("emoji with a newline", "{\"type\":\"react\",\"room\":\"attic\",\"offset\":1,\"emoji\":\"a\\nb\",\"on\":true}",
                        "bad_request"),
                new JsonCase("17-code-point emoji", "{\"type\":\"react\",\"room\":\"attic\",\"offset\":1,\"emoji\":\""
                        + "\ud83d\ude00".repeat(17) + "\",\"on\":true}", "bad_request"),
                new JsonCase("reaction on as string", "{\"type\":\"react\",\"room\":\"attic\",\"offset\":1,\"emoji\":\"+\",\"on\":\"true\"}",
                        "bad_request"),
                new JsonCase("negative replyTo", "{\"type\":\"send\",\"room\":\"attic\",\"text\":\"x\",\"replyTo\":-1}",
                        "bad_request"),
                new JsonCase("history of some events", "{\"type\":\"history\",\"room\":\"attic\",\"events\":\"some\"}",
                        "bad_request"),
                new JsonCase("second hello", "{\"type\":\"hello\",\"nick\":\"mallory\"}", "bad_request"));
    }

    @TestFactory
    Stream<DynamicTest> jsonAndCommands() {
        return jsonCases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            attacker.send(c.frame());
            JsonNode reply = attacker.next();
            assertThat(reply.get("type").asText()).as(reply.toString()).isEqualTo("error");
            assertThat(reply.get("code").asText()).as(reply.toString()).isEqualTo(c.code());
            assertThat(attacker.request("pong", "type", "ping", "id", 1).get("id").asInt()).isEqualTo(1);
        }));
    }

    @TestFactory
    Stream<DynamicTest> controlCharactersInTextAreCarriedEscaped() {
        return Stream.of(DynamicTest.dynamicTest("control characters in text", () -> {
            attacker.request("ack", "type", "send", "room", "attic", "text", "bell\u0007 nul\u0000 esc\u001b");
            assertThat(attacker.next("message").get("text").asText()).isEqualTo("bell\u0007 nul\u0000 esc\u001b");
        }));
    }

    // ---- WebSocket frames: closed with the code the contract or RFC 6455 gives ----

    private record FrameCase(String name, byte[] bytes, int closeCode) {
    }

    /** A masked client frame. */
    private static byte[] frame(int firstByte, byte[] payload) {
        List<Byte> out = new ArrayList<>();
        out.add((byte) firstByte);
        if (payload.length < 126) {
            out.add((byte) (0x80 | payload.length));
        } else {
            out.add((byte) (0x80 | 126));
            out.add((byte) (payload.length >>> 8));
            out.add((byte) payload.length);
        }
        byte[] mask = {1, 2, 3, 4};
        for (byte b : mask) {
            out.add(b);
        }
        for (int i = 0; i < payload.length; i++) {
            out.add((byte) (payload[i] ^ mask[i & 3]));
        }
        byte[] bytes = new byte[out.size()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = out.get(i);
        }
        return bytes;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static List<FrameCase> frameCases() {
        byte[] json = "{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8);
        byte[] unmasked = concat(new byte[] {(byte) 0x81, (byte) json.length}, json);
        byte[] half = new byte[40_000];
        Arrays.fill(half, (byte) 'a');
        return List.of(
                new FrameCase("binary frame", frame(0x82, new byte[] {1, 2}), 1003),
                new FrameCase("invalid UTF-8", frame(0x81, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'}), 1007),
                new FrameCase("UTF-8-encoded surrogate", frame(0x81, new byte[] {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'}),
                        1007),
                new FrameCase("overlong UTF-8", frame(0x81, new byte[] {(byte) 0xC0, (byte) 0xAF}), 1007),
                new FrameCase("fragments over maxFrameBytes", concat(frame(0x01, half), frame(0x80, half)), 1009),
                new FrameCase("continuation without a start", frame(0x80, json), 1002),
                new FrameCase("unmasked frame", unmasked, 1002),
                new FrameCase("reserved opcode", frame(0x83, json), 1002),
                new FrameCase("RSV2 without an extension", frame(0xA1, json), 1002),
                new FrameCase("RSV1 without permessage-deflate", frame(0xC1, json), 1002),
                new FrameCase("fragmented ping", frame(0x09, new byte[0]), 1002),
                new FrameCase("ping over 125 bytes", frame(0x89, new byte[126]), 1002));
    }

    @TestFactory
    Stream<DynamicTest> webSocketFrames() {
        return frameCases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            try (RawWebSocket ws = RawWebSocket.connect(server.address(), "/ws")) {
                ws.socket().getOutputStream().write(c.bytes());
                ws.socket().getOutputStream().flush();
                assertThat(closeCode(ws)).isEqualTo(c.closeCode());
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> oversizedMessage() {
        return Stream.of(DynamicTest.dynamicTest("message over maxFrameBytes", () -> {
            try (RawWebSocket ws = RawWebSocket.connect(server.address(), "/ws")) {
                ws.send(RawWebSocket.TEXT, true, new byte[70_000]);
                assertThat(closeCode(ws)).isEqualTo(1009);
            }
        }));
    }

    /** The code of the server's close frame, or -1 when the connection ended without one. */
    private static int closeCode(RawWebSocket ws) throws IOException {
        try {
            return ws.readUntil(RawWebSocket.CLOSE).closeCode();
        } catch (EOFException | SocketException ended) {
            return -1;
        }
    }

    // ---- HTTP: a status, never a crash ----

    private record HttpCase(String name, String request, int status) {
    }

    private static List<HttpCase> httpCases() {
        String upgrade = "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
        String api = "Authorization: Bearer " + API_KEY + "\r\n";
        return List.of(
                new HttpCase("garbage request line", "HELLO\r\n\r\n", 400),
                new HttpCase("10 kB URI", "GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                new HttpCase("10 kB header", "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(10_000) + "\r\n\r\n", 400),
                new HttpCase("unknown WebSocket version", "GET /ws HTTP/1.1\r\nHost: x\r\n" + upgrade
                        + "Sec-WebSocket-Version: 99\r\n\r\n", 426),
                new HttpCase("upgrade without a key", "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                        + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n", 400),
                new HttpCase("path traversal", "GET /../../../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n", 404),
                new HttpCase("encoded traversal", "GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n", 404),
                new HttpCase("negative content length", "POST /api/publish HTTP/1.1\r\nHost: x\r\n" + api
                        + "Content-Length: -1\r\n\r\n", 400),
                new HttpCase("huge content length", "POST /api/publish HTTP/1.1\r\nHost: x\r\n" + api
                        + "Content-Length: 10000000000\r\n\r\n", 413),
                new HttpCase("content length and chunked", "POST /api/publish HTTP/1.1\r\nHost: x\r\n" + api
                        + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
                new HttpCase("API without a key", "GET /api/rooms HTTP/1.1\r\nHost: x\r\n\r\n", 401),
                new HttpCase("API with a key of another scheme", "GET /api/rooms HTTP/1.1\r\nHost: x\r\n"
                        + "Authorization: Basic " + API_KEY + "\r\n\r\n", 401),
                new HttpCase("NUL in a header", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n", 400));
    }

    @TestFactory
    Stream<DynamicTest> httpRequests() {
        return httpCases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            try (Socket socket = RawWebSocket.connectTcp(server.address())) {
                OutputStream out = socket.getOutputStream();
                out.write(c.request().getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                InputStream in = socket.getInputStream();
                String head = RawWebSocket.readHead(in);
                assertThat(Integer.parseInt(head.substring(9, 12))).as(head).isEqualTo(c.status());
            }
        }));
    }

    // ---- tokens: unauthorized, then close 1008 ----

    private record TokenCase(String name, String token) {
    }

    private static List<TokenCase> tokenCases() throws Exception {
        String good = Jwts.hs256("intruder", Duration.ofMinutes(5));
        String[] parts = good.split("\\.");
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        String tampered = parts[0] + "." + b64.encodeToString(payload.replace("intruder", "intrudeR")
                .getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        String none = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
                + "." + parts[1] + ".";
        return List.of(
                new TokenCase("expired", Jwts.hs256("intruder", Duration.ofMinutes(-5))),
                new TokenCase("not yet valid", Jwts.sign(Jwts.hmac(Jwts.SECRET), JWSAlgorithm.HS256, null,
                        c -> c.subject("intruder").notBeforeTime(Date.from(Instant.now().plusSeconds(300))))),
                new TokenCase("wrong key", Jwts.sign(Jwts.hmac("some-other-secret-that-is-32-bytes-long"), JWSAlgorithm.HS256,
                        null, c -> c.subject("intruder"))),
                new TokenCase("wrong alg HS512", Jwts.sign(Jwts.hmac(Jwts.SECRET + Jwts.SECRET), JWSAlgorithm.HS512, null,
                        c -> c.subject("intruder"))),
                new TokenCase("RS256 when only HS256 is configured", Jwts.sign(
                        new RSASSASigner(new RSAKeyGenerator(2048).generate()), JWSAlgorithm.RS256, null,
                        c -> c.subject("intruder"))),
                new TokenCase("alg none", none),
                new TokenCase("tampered payload", tampered),
                new TokenCase("signature stripped", parts[0] + "." + parts[1] + "."),
                new TokenCase("another nick", Jwts.hs256("someone", Duration.ofMinutes(5))),
                new TokenCase("oversized", good + "A".repeat(10_000)),
                new TokenCase("garbage", "eyJ.garbage.token"),
                new TokenCase("empty", ""),
                new TokenCase("missing", null));
    }

    @TestFactory
    Stream<DynamicTest> badTokens() throws Exception {
        return tokenCases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            try (TestSocket socket = TestSocket.connect(server.webSocketUri())) {
                socket.send(c.token() == null ? new Object[] {"type", "hello", "id", 1, "nick", "intruder"}
                        : new Object[] {"type", "hello", "id", 1, "nick", "intruder", "token", c.token()});
                JsonNode reply = socket.next();
                assertThat(reply.get("code").asText()).as(reply.toString()).isEqualTo("unauthorized");
                assertThat(socket.awaitClose().code()).isEqualTo(1008);
            }
        }));
    }
}
