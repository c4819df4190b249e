package dev.parley.server.hooks;

import dev.parley.testing.HookBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The hook client against a real HTTP backend: answers, the bound on requests in flight, the timeout, the cap, redirects. */
class HookClientTest {
    private static final HookSecret SECRET = HookSecret.parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final HookBackend backend = HookBackend.start();
    private final HookClient client = new HookClient(SECRET, 2, Duration.ofSeconds(2), System::currentTimeMillis);

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
    void requestsPastTheBoundOnThoseInFlightFailAtOnceAndTheBoundIsFreedWhenTheyEnd() {
        backend.answer(backend.silent());
        CompletableFuture<HookReply> first = post(Duration.ofMillis(500));
        CompletableFuture<HookReply> second = post(Duration.ofMillis(500));
        assertThat(client.inFlight()).isEqualTo(2);
        CompletableFuture<HookReply> third = post(WAIT);
        assertThat(third).isCompletedExceptionally();
        assertThat(failure(third)).contains("in flight");

        assertThat(failure(first)).contains("no answer in time");
        assertThat(failure(second)).contains("no answer in time");
        await().atMost(WAIT).until(() -> client.inFlight() == 0);
        backend.answer(HookBackend.json(200, "{}"));
        assertThat(post(WAIT).join().succeeded()).isTrue();
    }

    @Test
    void aRefusedConnectionFails() throws Exception {
        URI closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/hook");
        }
        assertThat(failure(client.post(closed, "{}", WAIT))).contains("ConnectException");
    }
}
