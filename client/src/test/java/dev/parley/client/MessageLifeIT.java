package dev.parley.client;

import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ServerEvent;
import dev.parley.server.ParleyServer;
import dev.parley.testing.TcpProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/** The life of a message through the library against a real server: replies, edits, deletes, reactions. */
class MessageLifeIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String ROOM = "general";

    @RegisterExtension
    final Resources resources = new Resources();
    private final ParleyServer server = resources.server("--rate-per-sec", 1000, "--burst", 1000);

    /** A client in {@link #ROOM}. */
    private ParleyClient connect(ClientOptions.Builder options) {
        ParleyClient client = resources.connect(server.webSocketUri(), options);
        result(client.join(ROOM));
        return client;
    }

    private static <T> T result(CompletableFuture<T> future) {
        return future.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    }

    private static ErrorCode refusal(CompletableFuture<?> future) {
        Throwable failure = catchThrowable(() -> result(future));
        assertThat(failure).isInstanceOf(CompletionException.class).hasCauseInstanceOf(ParleyException.class);
        return ((ParleyException) failure.getCause()).code();
    }

    private static List<Long> offsets(List<ServerEvent.RoomEvent> events) {
        return events.stream().map(ServerEvent.RoomEvent::offset).collect(Collectors.toList());
    }

    private static RoomMessages applied(List<ServerEvent.RoomEvent> events) {
        RoomMessages messages = RoomMessages.empty(ROOM, 100);
        for (ServerEvent.RoomEvent event : events) {
            messages = messages.apply(event);
        }
        return messages;
    }

    @Test
    void repliesEditsDeletesAndReactionsReachEveryMemberInOrder() {
        Recorder alice = new Recorder();
        ParleyClient a = connect(ClientOptions.builder("alice").listener(alice));
        ParleyClient b = connect(ClientOptions.builder("bob"));

        assertThat(result(a.send(ROOM, "hello @bob")).offset()).isEqualTo(1L);
        assertThat(result(b.send(ROOM, "hi", 1)).offset()).isEqualTo(2L);
        assertThat(result(a.edit(ROOM, 1, "hello @bob!")).offset()).isEqualTo(3L);
        assertThat(result(b.react(ROOM, 1, "👍", true)).offset()).isEqualTo(4L);
        assertThat(result(b.react(ROOM, 1, "👍", true)).offset()).as("nothing changed").isNull();
        assertThat(result(a.react(ROOM, 1, "🎉", true)).offset()).isEqualTo(5L);
        assertThat(result(a.react(ROOM, 1, "🎉", false)).offset()).isEqualTo(6L);
        assertThat(result(b.delete(ROOM, 2)).offset()).isEqualTo(7L);

        await().atMost(TIMEOUT).until(() -> alice.roomEvents(ROOM).size() >= 7);
        List<ServerEvent.RoomEvent> events = alice.roomEvents(ROOM);
        assertThat(offsets(events)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(events).extracting(e -> e.getClass().getSimpleName())
                .containsExactly("Message", "Message", "Edit", "Reaction", "Reaction", "Reaction", "Delete");
        assertThat(((ServerEvent.Message) events.get(1)).replyTo()).isEqualTo(1L);
        ServerEvent.Edit edit = (ServerEvent.Edit) events.get(2);
        assertThat(edit.target()).isEqualTo(1L);
        assertThat(edit.mentions()).containsExactly("bob");
        assertThat(alice.threads).allMatch(name -> name.equals("parley-client-alice-events"));

        RoomMessages live = applied(events);
        MessageState first = live.get(1).orElseThrow();
        assertThat(first.text()).isEqualTo("hello @bob!");
        assertThat(first.isEdited()).isTrue();
        assertThat(first.reactions()).containsExactly(new ServerEvent.ReactionCount("👍", 1, List.of("bob")));
        assertThat(live.get(2).orElseThrow().deleted()).isTrue();

        // the state in answers agrees with the state built from the events
        RoomMessages answered = RoomMessages.empty(ROOM, 100).withHistory(result(a.history(ROOM)).messages());
        assertThat(answered.messages()).isEqualTo(live.messages());
    }

    @Test
    void refusalsCarryTheirCodesAndTheConnectionStaysUsable() {
        ParleyClient a = connect(ClientOptions.builder("alice"));
        ParleyClient b = connect(ClientOptions.builder("bob"));
        result(a.send(ROOM, "mine"));
        result(a.send(ROOM, "soon gone"));
        result(a.delete(ROOM, 2));

        assertThat(refusal(b.edit(ROOM, 1, "yours now"))).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(refusal(b.delete(ROOM, 1))).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(refusal(a.edit(ROOM, 2, "back"))).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(refusal(a.edit(ROOM, 99, "nothing there"))).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(refusal(b.send(ROOM, "re", 2))).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(refusal(b.react(ROOM, 1, "two words", true))).isEqualTo(ErrorCode.BAD_REQUEST);
        for (int i = 0; i < 20; i++) {
            result(b.react(ROOM, 1, Character.toString(0x1F600 + i), true));
        }
        assertThat(refusal(b.react(ROOM, 1, Character.toString(0x1F600 + 20), true))).as("a 21st emoji")
                .isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(refusal(connect(ClientOptions.builder("carol")).leave("elsewhere"))).isEqualTo(ErrorCode.NOT_MEMBER);

        assertThat(result(b.send(ROOM, "still here")).offset()).isEqualTo(24L);
        assertThat(result(a.edit(ROOM, 1, "still mine")).offset()).isEqualTo(25L);
    }

    @Test
    void aResumeAfterAnEditRepeatsAndSkipsNothing() {
        TcpProxy proxy = resources.add(TcpProxy.to(server.address()));
        Recorder alice = new Recorder();
        ParleyClient a = resources.connect(proxy.rewrite(server.webSocketUri()), ClientOptions.builder("alice")
                .listener(alice).reconnect(ReconnectPolicy.exponential(Duration.ofMillis(300), Duration.ofMillis(300))
                        .withJitter(0)));
        result(a.join(ROOM));
        ParleyClient b = connect(ClientOptions.builder("bob"));
        result(b.send(ROOM, "one"));
        result(b.edit(ROOM, 1, "one, edited"));
        result(b.react(ROOM, 1, "👍", true));
        await().atMost(TIMEOUT).until(() -> alice.roomEvents(ROOM).size() == 3);
        // while alice is away: what the re-join must recover, after the reaction she has seen
        CompletableFuture<ServerEvent.Ack> away = new CompletableFuture<>();
        alice.whenDisconnected = () -> b.edit(ROOM, 1, "one, again")
                .thenCompose(ack -> b.send(ROOM, "two"))
                .thenCompose(ack -> b.delete(ROOM, 5))
                .whenComplete((ack, failure) -> {
                    if (failure == null) {
                        away.complete(ack);
                    } else {
                        away.completeExceptionally(failure);
                    }
                });

        proxy.cutAll();
        assertThat(result(away).offset()).isEqualTo(6L);
        await().atMost(TIMEOUT).until(() -> alice.of(Recorder.Connected.class).size() == 2);
        result(b.react(ROOM, 1, "🎉", true));

        await().atMost(TIMEOUT).until(() -> alice.roomEvents(ROOM).size() >= 7);
        assertThat(offsets(alice.roomEvents(ROOM))).containsExactlyElementsOf(LongStream.rangeClosed(1, 7).boxed().toList());
        assertThat(alice.of(Gap.class)).isEmpty();
        MessageState one = applied(alice.roomEvents(ROOM)).get(1).orElseThrow();
        assertThat(one.text()).isEqualTo("one, again");
        assertThat(one.reactions()).extracting(ServerEvent.ReactionCount::emoji).containsExactly("👍", "🎉");
    }

    @Test
    void leaveForgetLeavesTheRoom() {
        Recorder bob = new Recorder();
        ParleyClient a = connect(ClientOptions.builder("alice"));
        ParleyClient b = connect(ClientOptions.builder("bob").listener(bob));

        assertThat(result(b.leave(ROOM, true)).room()).isEqualTo(ROOM);
        result(a.send(ROOM, "bob is gone"));
        assertThat(result(a.who(ROOM)).members()).containsExactly("alice");
        assertThat(bob.roomEvents(ROOM)).isEmpty();
    }
}
