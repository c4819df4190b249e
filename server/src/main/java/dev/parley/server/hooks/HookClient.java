package dev.parley.server.hooks;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The one HTTP client of a node's hooks: every request a {@code POST} of a JSON body signed as
 * Standard Webhooks says ({@code webhook-id}, {@code webhook-timestamp}, {@code webhook-signature}),
 * over Netty on one event loop of its own (nothing runs on a session's loop), with a pool of
 * keep-alive connections per backend ({@link HookConnections}), each carrying one request at a time. Netty rather than the
 * JDK's HttpClient, by measurement: a tenth of the CPU a request (docs/benchmarks.md). At most
 * {@code maxInFlight} requests at once, up to {@code maxWaiting} more waiting for a slot
 * ({@link HookSlots}), a timeout on the connect and on the whole exchange (a
 * backend that drips its answer is cut off, and the connection closed), no redirects followed,
 * answers of at most {@link #MAX_REPLY_BYTES}. Anything short of an answer fails the result with
 * {@link HookFailure}; a non-2xx answer is an answer ({@link HookReply#succeeded()}).
 */
public final class HookClient implements AutoCloseable {
    /** The most of an answer read; a longer one fails the request. */
    public static final int MAX_REPLY_BYTES = 64 * 1024;
    /** Connections opened at once to one backend at most; more requests wait for them (see {@link HookConnections}). */
    private static final int MAX_CONNECTING = 16;
    /** How long a connection whose request timed out waits for the late answer before it is closed. */
    private static final Duration LATE_ANSWER_WAIT = Duration.ofSeconds(1);
    /** Connections waiting for a late answer at most, all backends together; past it they are closed. */
    private static final int MAX_AWAITING_LATE = 256;
    /** Requests {@link #prepare} runs through the client's code path, for the JIT; the hooks' own warm-ups run as many. */
    public static final int WARM_UP_ROUNDS = 10_000;
    /** Connections {@link #prepare} opens to a backend. */
    private static final int WARM_CONNECTIONS = 8;
    private static final AttributeKey<CompletableFuture<HookReply>> ANSWER = AttributeKey.valueOf("parley.hookAnswer");

    private final MultiThreadIoEventLoopGroup loop =
            new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("parley-hooks", true), NioIoHandler.newFactory());
    private final Bootstrap bootstrap;
    private final Map<String, HookConnections> connections = new ConcurrentHashMap<>();
    private final AtomicInteger awaitingLate = new AtomicInteger();
    private final HookSecret secret;
    private final int maxInFlight;
    private final int maxWaiting;
    private final HookSlots slots;
    private final Counter refused;
    private final LongSupplier clock;
    private volatile SslContext tls;

    /**
     * At most {@code maxInFlight} requests at once and {@code maxWaiting} waiting for their turn;
     * {@code clock}: milliseconds since the epoch, for {@code webhook-timestamp}; the metrics
     * ({@code parley.hooks.in_flight}, {@code .waiting}, {@code .refused}) in {@code registry}.
     */
    public HookClient(HookSecret secret, int maxInFlight, int maxWaiting, Duration connectTimeout, LongSupplier clock,
                      MeterRegistry registry) {
        this.secret = secret;
        this.maxInFlight = maxInFlight;
        this.maxWaiting = maxWaiting;
        this.slots = new HookSlots(maxInFlight, maxWaiting);
        this.clock = clock;
        Gauge.builder("parley.hooks.in_flight", slots, HookSlots::inFlight).description("Hook requests in flight")
                .register(registry);
        Gauge.builder("parley.hooks.waiting", slots, HookSlots::waiting)
                .description("Hook requests waiting for a slot in flight").register(registry);
        Gauge.builder("parley.hooks.connecting", this, client -> client.connections.values().stream()
                        .mapToInt(HookConnections::connecting).sum())
                .description("Connections to hook backends being opened now").register(registry);
        Gauge.builder("parley.hooks.awaiting_late", awaitingLate, AtomicInteger::get)
                .description("Connections kept for the late answer of a request that timed out").register(registry);
        this.refused = Counter.builder("parley.hooks.refused")
                .description("Hook requests refused at once: as many in flight and waiting as the bounds allow")
                .register(registry);
        this.bootstrap = new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis());
    }

    /** Posts {@code body} to {@code url} under a new {@code webhook-id}. */
    public CompletableFuture<HookReply> post(URI url, String body, Duration timeout) {
        return post(url, "msg_" + UUID.randomUUID(), body, timeout);
    }

    /**
     * Posts {@code body} to {@code url} as the request {@code id} (a webhook keeps its id across
     * retries); completes with the answer, or fails with {@link HookFailure} when there is none
     * within {@code timeout}, which counts from now: a request that waits for a slot in flight
     * waits at most half of it, and fails when it has none by then. Fails at once when
     * {@code maxWaiting} requests wait already.
     */
    public CompletableFuture<HookReply> post(URI url, String id, String body, Duration timeout) {
        CompletableFuture<HookReply> answer = new CompletableFuture<>();
        HookSlots.Slot slot = new HookSlots.Slot(() -> send(url, id, body, answer),
                () -> answer.completeExceptionally(new HookFailure("no slot in flight within half the timeout")),
                System.nanoTime() + timeout.toNanos() / 2);
        if (!slots.admit(slot)) {
            refused.increment();
            return CompletableFuture.failedFuture(new HookFailure(maxInFlight + " hook requests in flight and "
                    + maxWaiting + " waiting already"));
        }
        return answer.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).handle((reply, failure) -> {
            slots.leave(slot);
            if (failure != null) {
                throw failure(url, failure);
            }
            if (reply.status() >= 300 && reply.status() < 400) {
                throw new HookFailure(url + " answered a redirect (" + reply.status() + "), which is not followed");
            }
            return reply;
        });
    }

    /** Sends the request on a connection of {@code url}'s pool, once it has its slot in flight. */
    private void send(URI url, String id, String body, CompletableFuture<HookReply> answer) {
        if (answer.isDone()) {
            return;
        }
        HookConnections connections;
        try {
            connections = connections(url);
        } catch (RuntimeException e) {
            answer.completeExceptionally(new HookFailure("not sent: " + e.getMessage(), e));
            return;
        }
        FullHttpRequest request = signedRequest(url, id, body);
        connections.acquire().addListener((Future<Channel> acquired) -> {
            if (!acquired.isSuccess()) {
                request.release();
                answer.completeExceptionally(acquired.cause());
                return;
            }
            Channel channel = acquired.getNow();
            if (answer.isDone()) {
                request.release();
                connections.release(channel);
                return;
            }
            channel.attr(ANSWER).set(answer);
            answer.whenComplete((reply, failure) -> {
                if (failure != null && unwrap(failure) instanceof TimeoutException && awaitLateAnswer(channel, connections)) {
                    return;
                }
                if (failure != null) {
                    channel.close();
                }
                connections.release(channel);
            });
            channel.writeAndFlush(request).addListener(written -> {
                if (!written.isSuccess()) {
                    answer.completeExceptionally(written.cause());
                }
            });
        });
    }

    /**
     * Keeps a connection whose request timed out until the backend's late answer, for another
     * {@link #LATE_ANSWER_WAIT}, and then gives it back: a slow backend (or a cold node) under load
     * would otherwise have each timeout close a connection and the next request open one, and that
     * churn kept the requests slow long after the cause was gone. False when
     * {@link #MAX_AWAITING_LATE} connections wait already, or this one is closed: close it.
     */
    private boolean awaitLateAnswer(Channel channel, HookConnections connections) {
        if (!channel.isActive() || awaitingLate.incrementAndGet() > MAX_AWAITING_LATE) {
            awaitingLate.decrementAndGet();
            return false;
        }
        CompletableFuture<HookReply> late = new CompletableFuture<>();
        channel.attr(ANSWER).set(late);
        late.orTimeout(LATE_ANSWER_WAIT.toMillis(), TimeUnit.MILLISECONDS).whenComplete((reply, failure) -> {
            awaitingLate.decrementAndGet();
            if (failure != null) {
                channel.close();
            }
            connections.release(channel);
        });
        return true;
    }

    private FullHttpRequest signedRequest(URI url, String id, String body) {
        long timestamp = clock.getAsLong() / 1000;
        FullHttpRequest request = request(url, body);
        request.headers().set("webhook-id", id).set("webhook-timestamp", Long.toString(timestamp))
                .set("webhook-signature", secret.sign(id, timestamp, body));
        return request;
    }

    /**
     * Readies requests to {@code urls} before the first one: runs a request's whole code path
     * {@link #WARM_UP_ROUNDS} times on another thread without a backend (signing, encoding, and
     * decoding a canned answer), so that the JIT has compiled it, and opens {@link #WARM_CONNECTIONS}
     * connections to each of their backends. A cold node's one hook thread, interpreting, made fewer
     * requests a second than a busy node asked for, and its line timed out for seconds. Completes
     * when done (the connections open or failed), never exceptionally: a backend down at start is
     * the first requests' failure, not the node's.
     */
    public CompletableFuture<Void> prepare(List<URI> urls) {
        List<CompletableFuture<Void>> steps = new ArrayList<>();
        // off the client's thread, which serves the requests that come meanwhile
        urls.stream().findFirst().ifPresent(url -> steps.add(CompletableFuture.runAsync(() -> warmUp(url))));
        Map<String, URI> backends = new LinkedHashMap<>();
        urls.forEach(url -> backends.putIfAbsent(origin(url), url));
        backends.values().forEach(url -> {
            CompletableFuture<Void> opened = new CompletableFuture<>();
            try {
                connections(url).open(WARM_CONNECTIONS).addListener(done -> opened.complete(null));
            } catch (RuntimeException e) {
                opened.complete(null);
            }
            steps.add(opened);
        });
        return CompletableFuture.allOf(steps.toArray(CompletableFuture[]::new));
    }

    private void warmUp(URI url) {
        ByteBuf answer = Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                + "content-length: 19\r\n\r\n{\"action\":\"accept\"}", StandardCharsets.US_ASCII);
        EmbeddedChannel channel = new EmbeddedChannel(new HttpClientCodec(), new HttpObjectAggregator(MAX_REPLY_BYTES),
                new Answers());
        try {
            for (int i = 0; i < WARM_UP_ROUNDS; i++) {
                channel.attr(ANSWER).set(new CompletableFuture<>());
                channel.writeOutbound(signedRequest(url, "msg_warm_up_" + i, "{\"room\":\"warm-up\"}"));
                for (Object written = channel.readOutbound(); written != null; written = channel.readOutbound()) {
                    ReferenceCountUtil.release(written);
                }
                channel.writeInbound(answer.retainedDuplicate());
            }
        } finally {
            channel.finishAndReleaseAll();
            answer.release();
        }
    }

    private static FullHttpRequest request(URI url, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String path = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path,
                Unpooled.wrappedBuffer(bytes));
        request.headers().set(HttpHeaderNames.HOST, url.getPort() < 0 ? url.getHost() : url.getHost() + ":" + url.getPort())
                .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        return request;
    }

    private static String origin(URI url) {
        return url.getScheme() + "://" + url.getHost() + ":" + port(url);
    }

    private static int port(URI url) {
        return url.getPort() >= 0 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80;
    }

    private HookConnections connections(URI url) {
        return connections.computeIfAbsent(origin(url), origin -> newConnections(url));
    }

    /** Keep-alive connections to {@code url}'s origin, over TLS (its host name verified) for https. */
    private HookConnections newConnections(URI url) {
        String host = url.getHost();
        int port = port(url);
        SslContext tlsContext = "https".equals(url.getScheme()) ? tls() : null;
        Bootstrap connecting = bootstrap.clone().remoteAddress(InetSocketAddress.createUnresolved(host, port))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        if (tlsContext != null) {
                            SslHandler handler = tlsContext.newHandler(channel.alloc(), host, port);
                            SSLParameters parameters = handler.engine().getSSLParameters();
                            parameters.setEndpointIdentificationAlgorithm("HTTPS");
                            handler.engine().setSSLParameters(parameters);
                            channel.pipeline().addLast(handler);
                        }
                        channel.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(MAX_REPLY_BYTES),
                                new Answers());
                    }
                });
        return new HookConnections(connecting, loop.next(), MAX_CONNECTING);
    }

    private SslContext tls() {
        if (tls == null) {
            try {
                tls = SslContextBuilder.forClient().build();
            } catch (SSLException e) {
                throw new IllegalStateException("no TLS for https hooks: " + e.getMessage(), e);
            }
        }
        return tls;
    }

    /** Completes the request on its connection with the answer, or with what went wrong. */
    private static final class Answers extends SimpleChannelInboundHandler<FullHttpResponse> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            CompletableFuture<HookReply> answer = ctx.channel().attr(ANSWER).getAndSet(null);
            if (!HttpUtil.isKeepAlive(response)) {
                ctx.close();
            }
            if (answer != null) {
                answer.complete(new HookReply(response.status().code(), response.content().toString(StandardCharsets.UTF_8)));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(ctx, cause instanceof TooLongFrameException
                    ? new HookFailure("an answer longer than " + MAX_REPLY_BYTES + " bytes") : cause);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            fail(ctx, new HookFailure("the backend closed the connection before it answered"));
            ctx.fireChannelInactive();
        }

        private static void fail(ChannelHandlerContext ctx, Throwable cause) {
            CompletableFuture<HookReply> answer = ctx.channel().attr(ANSWER).getAndSet(null);
            if (answer != null) {
                answer.completeExceptionally(cause);
            }
        }
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    private static HookFailure failure(URI url, Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof HookFailure hook) {
            return hook;
        }
        String what = cause instanceof TimeoutException ? "no answer in time"
                : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        return new HookFailure(url + ": " + what, cause);
    }

    /** Requests in flight now. */
    public int inFlight() {
        return slots.inFlight();
    }

    /** Requests waiting for a slot in flight now. */
    public int waiting() {
        return slots.waiting();
    }

    @Override
    public void close() {
        connections.values().forEach(HookConnections::close);
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
