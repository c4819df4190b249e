package dev.parley.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.server.ParleyServer;
import dev.parley.server.config.ServerConfig;
import dev.parley.testing.TestSocket;
import org.jline.terminal.TerminalBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The terminal client driven through its entry point, in-process, against a real server. */
class ChatCommandIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private ParleyServer server;
    private final List<AutoCloseable> resources = new ArrayList<>();

    @BeforeEach
    void startServer() {
        server = ParleyServer.start(ServerConfig.builder().with("--host", "127.0.0.1").with("--port", 0).with("--warm-up-messages", 0)
                .with("--max-text-chars", 20).build());
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable resource : resources) {
            resource.close();
        }
        server.close();
    }

    /** Captured stdout or stderr of one run. */
    private static final class Capture {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }

        List<String> lines() {
            return text().lines().collect(Collectors.toList());
        }
    }

    /** A command run on its own thread, as a process would be. */
    private final class Run {
        final Capture out = new Capture();
        final Capture err = new Capture();
        final CompletableFuture<Integer> exit = new CompletableFuture<>();
        final Thread thread;

        Run(InputStream in, ChatCommand.TerminalSource terminals, String... args) {
            thread = new Thread(() -> exit.complete(ChatCommand.execute(args, in, out.stream, err.stream, terminals)));
            thread.start();
            resources.add(() -> {
                thread.interrupt();
                thread.join(TIMEOUT.toMillis());
            });
        }

        int awaitExit() {
            return exit.orTimeout(TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS).join();
        }
    }

    private String[] args(String... more) {
        return Stream.concat(Stream.of("--url", server.webSocketUri().toString()), Stream.of(more)).toArray(String[]::new);
    }

    private int run(Capture out, Capture err, String... args) {
        return ChatCommand.execute(args, new ByteArrayInputStream(new byte[0]), out.stream, err.stream, () -> null);
    }

    private TestSocket member(String nick, String room) {
        TestSocket socket = TestSocket.login(server.webSocketUri(), nick);
        resources.add(socket);
        socket.request("joined", "type", "join", "id", 1, "room", room);
        return socket;
    }

    private void awaitMember(TestSocket observer, String room, String nick) {
        await().atMost(TIMEOUT).until(() -> {
            JsonNode members = observer.request("members", "type", "who", "id", "w", "room", room).path("members");
            return members.toString().contains('"' + nick + '"');
        });
    }

    @Test
    void sendExitsZeroOnceAcknowledged() {
        TestSocket bob = member("bob", "general");
        Capture out = new Capture();
        Capture err = new Capture();

        int exit = run(out, err, args("--nick", "alice", "--room", "general", "--send", "hello from a script"));

        assertThat(exit).as(err.text()).isZero();
        JsonNode message = bob.next("message");
        assertThat(message.path("from").asText()).isEqualTo("alice");
        assertThat(message.path("text").asText()).isEqualTo("hello from a script");
        assertThat(out.text()).isEmpty();
    }

    @Test
    void aRefusedSendExitsWithTheErrorCode() {
        Capture out = new Capture();
        Capture err = new Capture();

        int exit = run(out, err, args("--nick", "alice", "--send", "far too long for this server"));

        assertThat(exit).isEqualTo(1);
        assertThat(err.text()).startsWith("parley-client: text_too_long: ");
    }

    @Test
    void aTakenNickExitsWithTheErrorCode() {
        member("alice", "general");
        Capture err = new Capture();

        int exit = run(new Capture(), err, args("--nick", "alice", "--send", "hi"));

        assertThat(exit).isEqualTo(1);
        assertThat(err.text()).contains("nick_taken");
    }

    @Test
    void noServerExitsThree() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Capture err = new Capture();

        int exit = run(new Capture(), err, "--url", "ws://127.0.0.1:" + port + "/ws", "--nick", "alice", "--send", "hi");

        assertThat(exit).isEqualTo(3);
        assertThat(err.text()).contains("could not connect");
    }

    @Test
    void badCommandLinesExitTwo() {
        Capture err = new Capture();
        assertThat(run(new Capture(), err, args("--nick", "alice", "--send", "x", "--listen"))).isEqualTo(2);
        assertThat(err.text()).contains("mutually exclusive");
        assertThat(run(new Capture(), new Capture(), args("--send", "x"))).isEqualTo(2);
        Capture badUrl = new Capture();
        assertThat(run(new Capture(), badUrl, "--url", "http://localhost:8080/", "--nick", "alice")).isEqualTo(2);
        assertThat(badUrl.text()).contains("--url must be a ws:// or wss:// URL");
        Capture help = new Capture();
        assertThat(run(help, new Capture(), "--help")).isZero();
        assertThat(help.text()).contains("--listen", "--send", "Exit codes");
    }

    @Test
    void listenPrintsEveryEventAsAJsonLine() {
        TestSocket bob = member("bob", "general");
        Run listen = new Run(new ByteArrayInputStream(new byte[0]), () -> null, args("--nick", "carol", "--listen"));
        awaitMember(bob, "general", "carol");

        bob.send("type", "send", "id", 2, "room", "general", "text", "hi carol");
        bob.send("type", "edit", "id", 5, "room", "general", "offset", 1, "text", "hi @carol");
        bob.send("type", "dm", "id", 3, "to", "carol", "text", "psst");
        bob.send("type", "typing", "room", "general");
        bob.send("type", "leave", "id", 4, "room", "general");

        await().atMost(TIMEOUT).until(() -> listen.out.lines().size() >= 6);
        List<JsonNode> events = listen.out.lines().stream().map(ChatCommandIT::parse).collect(Collectors.toList());
        assertThat(events).extracting(e -> e.path("type").asText())
                .containsExactly("connected", "message", "edit", "dm", "typing", "presence");
        assertThat(events.get(0).path("nick").asText()).isEqualTo("carol");
        assertThat(events.get(1).path("text").asText()).isEqualTo("hi carol");
        assertThat(events.get(1).path("offset").asLong()).isEqualTo(1);
        assertThat(events.get(2).path("target").asLong()).isEqualTo(1);
        assertThat(events.get(2).path("mentions").toString()).isEqualTo("[\"carol\"]");
        assertThat(events.get(3).path("from").asText()).isEqualTo("bob");
        assertThat(events.get(5).path("event").asText()).isEqualTo("leave");

        listen.thread.interrupt();
        assertThat(listen.awaitExit()).isZero();
        assertThat(listen.out.lines()).last().satisfies(line -> assertThat(parse(line).path("type").asText()).isEqualTo("closed"));
    }

    /** The interactive chat of alice, typed on {@code keyboard}, once {@code observer} sees her in #general. */
    private Run aliceChatting(PipedOutputStream keyboard, TestSocket observer) throws IOException {
        Run chat = new Run(new PipedInputStream(keyboard), () -> null, args("--nick", "alice"));
        awaitMember(observer, "general", "alice");
        return chat;
    }

    @Test
    void interactiveWithPipedInput() throws IOException {
        TestSocket bob = member("bob", "general");
        PipedOutputStream keyboard = new PipedOutputStream();
        Run chat = aliceChatting(keyboard, bob);

        type(keyboard, "hello everyone");
        await().atMost(TIMEOUT).until(() -> chat.out.text().contains("#general <alice> hello everyone"));
        assertThat(bob.next("message").path("text").asText()).isEqualTo("hello everyone");

        bob.send("type", "send", "id", 2, "room", "general", "text", "hi alice");
        await().atMost(TIMEOUT).until(() -> chat.out.text().contains("#general <bob> hi alice"));

        type(keyboard, "/who");
        await().atMost(TIMEOUT).until(() -> chat.out.text().contains("* #general: alice, bob"));
        type(keyboard, "/who general alice");
        await().atMost(TIMEOUT).until(() -> chat.out.text().contains("* #general after alice: bob"));
        type(keyboard, "/msg bob psst");
        assertThat(bob.next("dm").path("text").asText()).isEqualTo("psst");
        await().atMost(TIMEOUT).until(() -> chat.out.text().contains("-> *bob* psst"));
        type(keyboard, "/rooms");
        await().atMost(TIMEOUT).until(() -> chat.out.text().contains("* rooms: #general (2)"));
        type(keyboard, "/history general 1");
        await().atMost(TIMEOUT).until(() -> chat.out.lines().stream().filter(l -> l.endsWith("<bob> hi alice")).count() == 2);
        type(keyboard, "this line is over twenty characters");
        await().atMost(TIMEOUT).until(() -> chat.out.text().contains("! text_too_long: "));
        type(keyboard, "/join random");
        await().atMost(TIMEOUT).until(() -> chat.out.text().contains("* joined #random; 1 member: alice"));
        type(keyboard, "/leave");
        await().atMost(TIMEOUT).until(() -> chat.out.text().contains("* left #random; now in #general"));
        type(keyboard, "/dance");
        await().atMost(TIMEOUT).until(() -> chat.out.text().contains("! unknown command /dance"));
        type(keyboard, "/quit");

        assertThat(chat.awaitExit()).isZero();
        assertThat(chat.out.text()).doesNotContain("\u001b[");
        bob.take(e -> e.path("type").asText().equals("presence") && e.path("event").asText().equals("leave")
                && e.path("nick").asText().equals("alice"), "alice leaving");
    }

    @Test
    void interactiveLifeOfAMessage() throws IOException {
        TestSocket bob = member("bob", "general");
        PipedOutputStream keyboard = new PipedOutputStream();
        Run chat = aliceChatting(keyboard, bob);

        bob.send("type", "send", "id", 2, "room", "general", "text", "hi @alice");
        awaitLine(chat, "#general <bob> hi @alice" + EventFormatter.MENTION_MARK);
        type(keyboard, "/offsets");
        awaitLine(chat, "* offsets shown");
        type(keyboard, "/reply 1 hello bob");
        awaitLine(chat, "#general [2] <alice> (re <bob> hi @alice) hello bob");
        assertThat(bob.take(e -> e.path("type").asText().equals("message") && e.path("offset").asLong() == 2,
                "alice's reply").path("replyTo").asLong()).isEqualTo(1);
        type(keyboard, "/edit 2 hi bob");
        awaitLine(chat, "#general [2] <alice> (re <bob> hi @alice) hi bob (edited)");
        type(keyboard, "/react 1 👍");
        awaitLine(chat, "#general [1] <bob> hi @alice [👍 1]" + EventFormatter.MENTION_MARK);
        type(keyboard, "/react 1 👍");
        awaitLine(chat, "* 👍 is on message 1 already");
        type(keyboard, "/unreact 1 👍");
        awaitLine(chat, "#general [1] <bob> hi @alice" + EventFormatter.MENTION_MARK);
        type(keyboard, "/delete 2");
        awaitLine(chat, "#general [2] <alice> (re <bob> hi @alice) message deleted");

        type(keyboard, "/edit 1 mine now");
        awaitLine(chat, "! forbidden: ");
        type(keyboard, "/edit 2 back");
        awaitLine(chat, "! not_found: ");
        type(keyboard, "/react 1 two words");
        awaitLine(chat, "! bad_request: ");
        type(keyboard, "/edit x");
        awaitLine(chat, "! usage: /edit <n> <text>");
        type(keyboard, "/delete");
        awaitLine(chat, "! usage: /delete <n>");

        bob.send("type", "send", "id", 3, "room", "general", "text", "ping @alice");
        awaitLine(chat, "#general [7] <bob> ping @alice" + EventFormatter.MENTION_MARK);
        type(keyboard, "/unread");
        awaitLine(chat, "* unread: #general 1 (1 mention)");
        bob.send("type", "send", "id", 4, "room", "general", "text", "more");
        awaitLine(chat, "#general [8] <bob> more");
        type(keyboard, "/read");
        awaitLine(chat, "* marked read: #general up to 8");
        type(keyboard, "/unread");
        awaitLine(chat, "* nothing unread");
        type(keyboard, "/help");
        awaitLine(chat, "* /react <n> <emoji>");
        type(keyboard, "/quit");

        assertThat(chat.awaitExit()).isZero();
        assertThat(chat.out.text()).doesNotContain("\u001b[");
    }

    @Test
    void interactiveStartsWithTheUnreadCounts() throws IOException {
        TestSocket bob = member("bob", "general");
        bob.send("type", "send", "id", 2, "room", "general", "text", "seen");
        PipedOutputStream keyboard = new PipedOutputStream();
        Run first = new Run(new PipedInputStream(keyboard), () -> null, args("--nick", "alice"));
        awaitLine(first, "#general <bob> seen");
        type(keyboard, "/quit");
        assertThat(first.awaitExit()).isZero();
        await().atMost(TIMEOUT).until(() -> !bob.request("members", "type", "who", "id", "w", "room", "general")
                .path("members").toString().contains("alice"));

        bob.send("type", "send", "id", 3, "room", "general", "text", "@alice look");
        bob.send("type", "send", "id", 4, "room", "general", "text", "and this");
        bob.request("pong", "type", "ping", "id", 5);
        Run second = new Run(new ByteArrayInputStream(new byte[0]), () -> null, args("--nick", "alice"));

        assertThat(second.awaitExit()).isZero();
        assertThat(second.out.lines()).contains("* unread: #general 2 (1 mention)");
        assertThat(first.out.lines()).contains("* nothing unread");
    }

    private static void awaitLine(Run run, String start) {
        await().atMost(TIMEOUT).until(() -> run.out.lines().stream().anyMatch(line -> line.contains(start)));
    }

    @Test
    void interactiveEndsAtTheEndOfInput() {
        Run chat = new Run(new ByteArrayInputStream("hi\n".getBytes(StandardCharsets.UTF_8)), () -> null,
                args("--nick", "alice"));

        assertThat(chat.awaitExit()).isZero();
        assertThat(chat.out.text()).contains("* connected to ", "* joined #general");
    }

    @Test
    void interactiveOnATerminalShowsColour() throws IOException {
        TestSocket bob = member("bob", "general");
        PipedOutputStream keyboard = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(keyboard);
        Capture screen = new Capture();
        Run chat = new Run(new ByteArrayInputStream(new byte[0]), () -> TerminalBuilder.builder().system(false)
                .streams(in, screen.stream).type("xterm-256color").build(), args("--nick", "alice"));
        awaitMember(bob, "general", "alice");

        bob.send("type", "send", "id", 2, "room", "general", "text", "in colour");
        bob.send("type", "send", "id", 3, "room", "general", "text", "@alice inverse");
        await().atMost(TIMEOUT).until(() -> screen.text().contains("in colour") && screen.text().contains("inverse"));
        type(keyboard, "/quit");

        assertThat(chat.awaitExit()).isZero();
        assertThat(screen.text()).contains("\u001b[", "<bob>", "[general]> ").doesNotContain(EventFormatter.MENTION_MARK);
        assertThat(screen.text()).as("a mention in bold inverse").containsPattern("\u001b\\[(\\d+;)*7(;\\d+)*m@alice inverse");
        assertThat(chat.out.text()).isEmpty();
    }

    private static void type(PipedOutputStream keyboard, String line) throws IOException {
        keyboard.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        keyboard.flush();
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
