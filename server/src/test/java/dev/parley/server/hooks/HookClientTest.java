package dev.parley.server.hooks;

import dev.parley.testing.HookBackend;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The hook client against a real HTTP backend: answers, the bound on requests in flight and the line waiting for it, the timeout, the cap, redirects. */
class HookClientTest {
    private static final HookSecret SECRET = HookSecret.parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final HookBackend backend = HookBackend.start();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final HookClient client = new HookClient(SECRET, 2, 2, Duration.ofSeconds(2), System::currentTimeMillis, registry);

    @AfterEach
    void close() {
        client.close();
        backend.close();
    }

    private CompletableFuture<HookReply> post(Duration timeout) {
        return client.post(backend.url(), "{}", timeout);
    }

    private static String failure(CompletableFuture<HookReply> reply) {
        assertThatThrownBy(reply::join).isInstanceOf(CompletionException.class).hasCauseInstanceOf(HookFailure.class);
        return reply.handle((answer, failure) -> (failure instanceof CompletionException ? failure.getCause() : failure)
                .getMessage()).join();
    }

    @Test
    void anAnswerOfAnyStatusUpToTheCapIsAnAnswer() {
        String largest = "\"" + "x".repeat(HookClient.MAX_REPLY_BYTES - 2) + "\"";
        backend.answer(HookBackend.json(200, largest));
        HookReply reply = post(WAIT).join();
        assertThat(reply.succeeded()).isTrue();
        assertThat(reply.body()).isEqualTo(largest);

        backend.answer(HookBackend.json(500, "{}"));
        HookReply failed = post(WAIT).join();
        assertThat(failed.status()).isEqualTo(500);
        assertThat(failed.succeeded()).isFalse();
    }

    @Test
    void anAnswerPastTheCapFails() {
        backend.answer(HookBackend.json(200, "\"" + "x".repeat(HookClient.MAX_REPLY_BYTES - 1) + "\""));
        assertThat(failure(post(WAIT))).contains("longer than " + HookClient.MAX_REPLY_BYTES);
    }

    @Test
    void aRedirectIsNotFollowed() {
        backend.answer(HookBackend.redirect(302, backend.url().resolve("/elsewhere").toString()));
        assertThat(failure(post(WAIT))).contains("redirect");
        backend.nextCall();
        assertThat(backend.pendingCalls()).as("the redirect's target was not asked").isZero();
    }

    @Test
    void noAnswerOrASlowDripFailsAtTheTimeout() {
        backend.answer(backend.silent());
        long started = System.nanoTime();
        assertThat(failure(post(Duration.ofMillis(300)))).contains("no answer in time");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(300), WAIT);

        backend.answer(backend.drip("{\"action\":\"accept\"}", Duration.ofMillis(100)));
        assertThat(failure(post(Duration.ofMillis(500)))).contains("no answer in time");
    }

    @Test
    void requestsPastTheBoundOnThoseInFlightWaitForASlotAndAreAnsweredOnlyAFullLineRefuses() {
        CompletableFuture<Void> slowBackend = new CompletableFuture<>();
        backend.answer(backend.after(slowBackend, HookBackend.json(200, "{}")));
        List<CompletableFuture<HookReply>> replies = IntStream.range(0, 4).mapToObj(i -> post(WAIT)).toList();
        assertThat(client.inFlight()).isEqualTo(2);
        assertThat(client.waiting()).isEqualTo(2);
        assertThat(registry.get("parley.hooks.waiting").gauge().value()).isEqualTo(2);
        CompletableFuture<HookReply> refused = post(WAIT);
        assertThat(refused).isCompletedExceptionally();
        assertThat(failure(refused)).contains("2 hook requests in flight and 2 waiting");
        assertThat(registry.get("parley.hooks.refused").counter().count()).isEqualTo(1);
        backend.nextCall();
        backend.nextCall();
        assertThat(backend.pendingCalls()).as("those waiting are not sent yet").isZero();

        slowBackend.complete(null);
        replies.forEach(reply -> assertThat(reply.join().succeeded()).isTrue());
        assertThat(backend.pendingCalls()).isEqualTo(2);
        assertThat(client.inFlight()).isZero();
        assertThat(client.waiting()).isZero();
    }

    @Test
    void aRequestWaitingPastItsTimeoutFailsAndLeavesTheLineAndTheBoundIsFreedWhenTheOthersEnd() {
        backend.answer(backend.silent());
        CompletableFuture<HookReply> first = post(Duration.ofMillis(800));
        CompletableFuture<HookReply> second = post(Duration.ofMillis(800));
        CompletableFuture<HookReply> waiting = post(Duration.ofMillis(200));
        assertThat(client.waiting()).isEqualTo(1);
        assertThat(failure(waiting)).contains("no answer in time");
        assertThat(first).isNotDone();
        assertThat(client.waiting()).as("the request that timed out left the line").isZero();

        assertThat(failure(first)).contains("no answer in time");
        assertThat(failure(second)).contains("no answer in time");
        await().atMost(WAIT).until(() -> client.inFlight() == 0);
        assertThat(backend.pendingCalls()).as("the one that timed out waiting was never sent").isEqualTo(2);
        backend.answer(HookBackend.json(200, "{}"));
        assertThat(post(WAIT).join().succeeded()).isTrue();
    }

    @Test
    void aFreedSlotGoesToTheNewestWaitingAndOneWaitingPastHalfItsTimeoutIsNeverSent() {
        CompletableFuture<Void> slowBackend = new CompletableFuture<>();
        backend.answer(backend.after(slowBackend, HookBackend.json(200, "{}")));
        CompletableFuture<HookReply> first = post(WAIT);
        CompletableFuture<HookReply> second = post(WAIT);
        long posted = System.nanoTime();
        CompletableFuture<HookReply> stale = post(Duration.ofSeconds(2));
        backend.nextCall();
        backend.nextCall();
        await().atMost(WAIT).until(() -> System.nanoTime() - posted > Duration.ofMillis(1100).toNanos());
        CompletableFuture<HookReply> fresh = post(WAIT);
        assertThat(client.waiting()).isEqualTo(2);

        slowBackend.complete(null);
        assertThat(first.join().succeeded()).isTrue();
        assertThat(second.join().succeeded()).isTrue();
        assertThat(failure(stale)).as("expired when a slot freed, before its own timeout").contains("no slot in flight");
        assertThat(fresh.join().succeeded()).isTrue();
        assertThat(backend.pendingCalls()).as("only the fresh one was sent after the first two").isEqualTo(1);
    }

    @Test
    void aRefusedConnectionFails() throws Exception {
        URI closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/hook");
        }
        assertThat(failure(client.post(closed, "{}", WAIT))).contains("ConnectException");
    }

    @Test
    void aBurstFromAColdClientOpensAtMostSixteenConnectionsAtOnce() {
        SimpleMeterRegistry own = new SimpleMeterRegistry();
        try (HookClient wide = new HookClient(SECRET, 300, 0, Duration.ofSeconds(2), System::currentTimeMillis, own)) {
            List<CompletableFuture<HookReply>> replies = IntStream.range(0, 300)
                    .mapToObj(i -> wide.post(backend.url(), "{}", WAIT)).toList();
            CompletableFuture<Void> all = CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new));
            double mostConnecting = 0;
            while (!all.isDone()) {
                mostConnecting = Math.max(mostConnecting, own.get("parley.hooks.connecting").gauge().value());
            }
            replies.forEach(reply -> assertThat(reply.join().succeeded()).isTrue());
            assertThat(mostConnecting).isBetween(1.0, 16.0);
        }
    }

    @Test
    void preparingOpensConnectionsToTheBackendBeforeAnyRequest() throws Exception {
        try (ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            URI url = URI.create("http://127.0.0.1:" + listening.getLocalPort() + "/hook");
            client.prepare(List.of(url)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            listening.setSoTimeout((int) WAIT.toMillis());
            for (int i = 0; i < 8; i++) {
                listening.accept().close();
            }
        }
    }

    @Test
    void preparingForABackendThatIsDownCompletesAnyway() throws Exception {
        URI closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/hook");
        }
        client.prepare(List.of(closed)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(failure(client.post(closed, "{}", WAIT))).contains("ConnectException");
    }

    @Test
    void aConnectionWhoseRequestTimedOutIsReusedOnceTheLateAnswerComes() {
        CompletableFuture<Void> slowBackend = new CompletableFuture<>();
        backend.answer(backend.after(slowBackend, HookBackend.json(200, "{}")));
        assertThat(failure(post(Duration.ofMillis(300)))).contains("no answer in time");
        int first = backend.nextCall().clientPort();
        assertThat(registry.get("parley.hooks.awaiting_late").gauge().value()).isEqualTo(1);
        slowBackend.complete(null);
        await().atMost(WAIT).until(() -> registry.get("parley.hooks.awaiting_late").gauge().value() == 0);
        assertThat(post(WAIT).join().succeeded()).isTrue();
        assertThat(backend.nextCall().clientPort()).as("the same connection, kept for the late answer").isEqualTo(first);
    }
}
