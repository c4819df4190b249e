package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.testing.RawWebSocket;
import dev.parley.testing.TestSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The server API for backends: publish, dm, disconnect, rooms, members; the key; errors and bounds. */
class ServerApiIT {
    private static final String KEY = "backend-key-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static ParleyServer server;

    @BeforeAll
    static void start() {
        server = TestServers.start(c -> c.with("--max-text-chars", 100).with("--api-key", KEY));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A response: its status and JSON body. */
    record Reply(int status, JsonNode body) {
        String code() {
            return body.path("code").asText();
        }
    }

    static Reply call(ParleyServer target, String method, String path, String body, String key)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(target.httpUri().resolve(path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = response.headers().firstValue("content-type").orElse("").startsWith("application/json")
                ? JSON.readTree(response.body()) : JSON.nullNode();
        return new Reply(response.statusCode(), json);
    }

    private static Reply call(String method, String path, String body) throws IOException, InterruptedException {
        return call(server, method, path, body, KEY);
    }

    @Test
    void publishReachesEveryMemberAsARoomMessage() throws Exception {
        try (TestSocket alice = TestServers.member(server, "alice-api", "news")) {
            Reply reply = call("POST", "/api/publish", "{\"room\":\"news\",\"text\":\"deploy at 5\"}");
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.body().get("room").asText()).isEqualTo("news");
            assertThat(reply.body().get("offset").asLong()).isEqualTo(1);
            assertThat(reply.body().get("epoch").asText()).startsWith("e-");
            assertThat(reply.body().get("ts").asLong()).isPositive();
            JsonNode message = alice.next("message");
            assertThat(message.get("from").asText()).isEqualTo("system");
            assertThat(message.get("text").asText()).isEqualTo("deploy at 5");
            assertThat(message.get("offset").asLong()).isEqualTo(1);

            call("POST", "/api/publish", "{\"room\":\"news\",\"text\":\"hi\",\"from\":\"ops-bot\"}");
            assertThat(alice.next("message").get("from").asText()).isEqualTo("ops-bot");
        }
    }

    @Test
    void dmReachesAnOnlineNickAndIsNoSuchUserOtherwise() throws Exception {
        try (TestSocket bob = TestSocket.login(server.webSocketUri(), "bob-api")) {
            Reply reply = call("POST", "/api/dm", "{\"to\":\"BOB-api\",\"text\":\"psst\",\"from\":\"billing\"}");
            assertThat(reply.status()).isEqualTo(200);
            JsonNode dm = bob.next("dm");
            assertThat(dm.get("from").asText()).isEqualTo("billing");
            assertThat(dm.get("text").asText()).isEqualTo("psst");
        }
        Reply missing = call("POST", "/api/dm", "{\"to\":\"nobody-here\",\"text\":\"psst\"}");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.code()).isEqualTo("no_such_user");
    }

    @Test
    void disconnectClosesTheSessionWith1008() throws Exception {
        try (TestSocket carol = TestSocket.login(server.webSocketUri(), "carol-api")) {
            Reply reply = call("POST", "/api/disconnect", "{\"nick\":\"carol-api\",\"reason\":\"banned\"}");
            assertThat(reply.status()).isEqualTo(200);
            assertThat(carol.awaitClose().code()).isEqualTo(1008);
        }
        // The close frame can reach the client before the server's cleanup has released the nick.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(call("POST", "/api/disconnect", "{\"nick\":\"carol-api\"}").code()).isEqualTo("no_such_user"));
    }

    @Test
    void roomsAndMembersAreTheQueriesAnswers() throws Exception {
        try (TestSocket dan = TestServers.member(server, "dan-api", "ops");
             TestSocket eve = TestServers.member(server, "eve-api", "ops")) {
            Reply rooms = call("GET", "/api/rooms", null);
            assertThat(rooms.status()).isEqualTo(200);
            assertThat(rooms.body().get("rooms").findValuesAsText("room")).contains("ops");
            Reply members = call("GET", "/api/rooms/ops/members", null);
            assertThat(members.body().get("room").asText()).isEqualTo("ops");
            assertThat(JSON.convertValue(members.body().get("members"), String[].class))
                    .containsExactly("dan-api", "eve-api");
            assertThat(members.body().has("next")).isFalse();
            Reply firstPage = call("GET", "/api/rooms/ops/members?limit=1", null);
            assertThat(JSON.convertValue(firstPage.body().get("members"), String[].class)).containsExactly("dan-api");
            assertThat(firstPage.body().get("next").asText()).isEqualTo("dan-api");
            Reply secondPage = call("GET", "/api/rooms/ops/members?after=dan-api&limit=1", null);
            assertThat(JSON.convertValue(secondPage.body().get("members"), String[].class)).containsExactly("eve-api");
            assertThat(call("GET", "/api/rooms/ops/members?limit=0", null).code()).isEqualTo("bad_request");
        }
    }

    @Test
    void aWrongOrMissingKeyIs401() throws Exception {
        for (String key : new String[] {null, "backend-key-0123456788", KEY + "x", ""}) {
            Reply reply = call(server, "GET", "/api/rooms", null, key);
            assertThat(reply.status()).as(String.valueOf(key)).isEqualTo(401);
            assertThat(reply.code()).isEqualTo("unauthorized");
        }
    }

    @Test
    void badRequestsGetTheirCodes() throws Exception {
        assertThat(call("POST", "/api/publish", "{\"room\":").code()).isEqualTo("bad_json");
        assertThat(call("POST", "/api/publish", "[1,2]").code()).isEqualTo("bad_json");
        assertThat(call("POST", "/api/publish", "\u0000\u0000{\u0000").code()).as("taken for UCS-4").isEqualTo("bad_json");
        assertThat(call("POST", "/api/publish", "{\"text\":\"x\"}").code()).isEqualTo("bad_request");
        assertThat(call("POST", "/api/publish", "{\"room\":7,\"text\":\"x\"}").code()).isEqualTo("bad_request");
        assertThat(call("POST", "/api/publish", "{\"room\":\"bad room\",\"text\":\"x\"}").code()).isEqualTo("room_invalid");
        assertThat(call("POST", "/api/publish", "{\"room\":\"r\",\"text\":\"" + "x".repeat(101) + "\"}").code())
                .isEqualTo("text_too_long");
        assertThat(call("POST", "/api/publish", "{\"room\":\"r\",\"text\":\"x\",\"from\":\"no spaces\"}").code())
                .isEqualTo("nick_invalid");
        Reply wrongMethod = call("GET", "/api/publish", null);
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.code()).isEqualTo("bad_request");
        assertThat(call("GET", "/api/nothing", null).status()).isEqualTo(404);
        assertThat(call("GET", "/api/rooms/bad%20room/members", null).code()).isEqualTo("room_invalid");
    }

    @Test
    void bodiesAreBounded() throws Exception {
        Reply tooBig = call("POST", "/api/publish", "{\"room\":\"r\",\"text\":\"" + "x".repeat(70_000) + "\"}");
        assertThat(tooBig.status()).isEqualTo(413);
        assertThat(tooBig.code()).isEqualTo("bad_request");
    }

    /**
     * The server answers 413 while the body is still arriving; closing then, with unread bytes,
     * would send a reset that destroys the answer before the client reads it.
     */
    @Test
    void the413ReachesAClientThatHasSentPartOfItsBody() throws Exception {
        try (Socket socket = RawWebSocket.connectTcp(server.address())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/publish HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY + "\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 10000000\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(new byte[512 * 1024]);
            out.flush();
            String head = RawWebSocket.readHead(socket.getInputStream());
            assertThat(head).startsWith("HTTP/1.1 413 ");
            assertThat(socket.getInputStream().readAllBytes()).asString(StandardCharsets.UTF_8).contains("bad_request");
            assertThat(head).containsIgnoringCase("connection: close");
        }
    }

    @Test
    void withoutAKeyTheApiIsOff() throws Exception {
        try (ParleyServer plain = TestServers.start()) {
            Reply reply = call(plain, "POST", "/api/publish", "{\"room\":\"r\",\"text\":\"x\"}", KEY);
            assertThat(reply.status()).isIn(404, 405);
            assertThat(plain.node().rooms().join()).isEmpty();
        }
    }

    @Test
    void onAClusterPublishGoesThroughRedisAndIsUnavailableWithoutIt() throws Exception {
        try (Cluster cluster = Cluster.start(2, c -> c.with("--api-key", KEY));
             TestSocket member = TestServers.member(cluster.node(1), "far-api", "news")) {
            Reply published = call(cluster.node(0), "POST", "/api/publish", "{\"room\":\"news\",\"text\":\"hi all\"}", KEY);
            assertThat(published.status()).isEqualTo(200);
            assertThat(published.body().get("epoch").asText()).isNotEmpty();
            assertThat(member.next("message").get("text").asText()).as("delivered on the other node").isEqualTo("hi all");

            cluster.redis().kill();
            await().atMost(Duration.ofSeconds(15)).until(() -> Cluster.readiness(cluster.node(0)) == 503);
            Reply refused = call(cluster.node(0), "POST", "/api/publish", "{\"room\":\"news\",\"text\":\"lost\"}", KEY);
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.code()).isEqualTo("unavailable");
        }
    }
}
