import dev.parley.server.hooks.HookClient;
import dev.parley.server.hooks.HookSecret;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.channel.pool.ChannelPool;
import io.netty.channel.pool.FixedChannelPool;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The cost of one hook request, client side: posts a publish hook's body at a steady rate to a
 * backend (bench/hook-backend.mjs) through the server's HookClient (the JDK's HttpClient) or through
 * a bare Netty client (one event loop, a pool of keep-alive channels, one request each at a time),
 * and prints the latency percentiles and this process's CPU per request, after a warm-up.
 *
 *   java -cp server/target/parley-server.jar bench/HookClients.java jdk|netty URL RATE SECONDS WARMUP_SECONDS
 */
public final class HookClients {
    private static final AttributeKey<CompletableFuture<Integer>> ANSWER = AttributeKey.valueOf("answer");
    private static final Duration TIMEOUT = Duration.ofMillis(1000);
    private static final String BODY = "{\"room\":\"r1\",\"from\":\"alice\",\"text\":\"" + "x".repeat(100) + "\"}";

    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[1]);
        int rate = Integer.parseInt(args[2]);
        Supplier<CompletableFuture<?>> post;
        Runnable close;
        if (args[0].equals("jdk")) {
            HookClient client = new HookClient(HookSecret.parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), 512,
                    Duration.ofSeconds(2), System::currentTimeMillis);
            post = () -> client.post(url, BODY, TIMEOUT);
            close = client::close;
        } else {
            MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
            ChannelPool pool = nettyPool(group, url);
            post = () -> nettyPost(pool, url);
            close = group::shutdownGracefully;
        }
        run(post, rate, Integer.parseInt(args[4]), "warm-up");
        run(post, rate, Integer.parseInt(args[3]), "measured");
        close.run();
        System.exit(0);
    }

    private static ChannelPool nettyPool(MultiThreadIoEventLoopGroup group, URI url) {
        Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .remoteAddress(new InetSocketAddress(url.getHost(), url.getPort()));
        return new FixedChannelPool(bootstrap, new AbstractChannelPoolHandler() {
            @Override
            public void channelCreated(Channel channel) {
                channel.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(64 * 1024),
                        new SimpleChannelInboundHandler<FullHttpResponse>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
                                ctx.channel().attr(ANSWER).getAndSet(null).complete(response.status().code());
                            }
                        });
            }
        }, 512);
    }

    private static CompletableFuture<?> nettyPost(ChannelPool pool, URI url) {
        CompletableFuture<Integer> answer = new CompletableFuture<>();
        byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
        pool.acquire().addListener((Future<Channel> acquired) -> {
            if (!acquired.isSuccess()) {
                answer.completeExceptionally(acquired.cause());
                return;
            }
            Channel channel = acquired.getNow();
            channel.attr(ANSWER).set(answer);
            FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, url.getRawPath(),
                    Unpooled.wrappedBuffer(body));
            request.headers().set(HttpHeaderNames.HOST, url.getHost()).set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            channel.writeAndFlush(request);
            answer.orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).whenComplete((status, failure) -> {
                if (failure != null) {
                    channel.close();
                }
                pool.release(channel);
            });
        });
        return answer;
    }

    private static void run(Supplier<CompletableFuture<?>> post, int rate, int seconds, String phase) throws Exception {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicInteger failed = new AtomicInteger();
        AtomicLong sent = new AtomicLong();
        long total = (long) rate * seconds;
        CountDownLatch allSent = new CountDownLatch(1);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuBefore = os.getProcessCpuTime();
        long started = System.nanoTime();
        // Ten requests a tick, a tick every 10/rate seconds.
        timer.scheduleAtFixedRate(() -> {
            for (int i = 0; i < 10; i++) {
                if (sent.incrementAndGet() > total) {
                    allSent.countDown();
                    return;
                }
                long sentAt = System.nanoTime();
                post.get().whenComplete((answer, failure) -> {
                    if (failure == null) {
                        latencies.add(System.nanoTime() - sentAt);
                    } else {
                        failed.incrementAndGet();
                    }
                });
            }
        }, 0, 10_000_000_000L / rate, TimeUnit.NANOSECONDS);
        allSent.await();
        Thread.sleep(TIMEOUT.toMillis() + 500);
        timer.shutdownNow();
        long cpu = os.getProcessCpuTime() - cpuBefore;
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("%s: %d answered, %d failed; p50 %.2f ms, p99 %.2f ms, max %.2f ms; CPU %.0f µs a request (%.2f cores)%n",
                phase, sorted.length, failed.get(), percentile(sorted, 0.50), percentile(sorted, 0.99),
                percentile(sorted, 1.0), cpu / 1e3 / total, (double) cpu / (System.nanoTime() - started));
    }

    private static double percentile(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))] / 1e6;
    }
}
