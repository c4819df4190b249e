import dev.parley.server.hooks.HookClient;
import dev.parley.server.hooks.HookSecret;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The cost of one hook request, client side: posts a publish hook's body at a steady rate to a
 * backend (bench/hook-backend.mjs) through the server's HookClient (Netty: one event loop, a pool
 * of keep-alive connections) or through the JDK's HttpClient as the hooks' first client used it,
 * and prints the latency percentiles and this process's CPU per request, after a warm-up.
 *
 *   java -cp server/target/parley-server.jar bench/HookClients.java netty|jdk URL RATE SECONDS WARMUP_SECONDS
 */
public final class HookClients {
    private static final Duration TIMEOUT = Duration.ofMillis(1000);
    private static final String BODY = "{\"room\":\"r1\",\"from\":\"alice\",\"text\":\"" + "x".repeat(100) + "\"}";

    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[1]);
        int rate = Integer.parseInt(args[2]);
        Supplier<CompletableFuture<?>> post;
        Runnable close;
        if (args[0].equals("jdk")) {
            // As the hooks' first client was made: HTTP/1.1, no redirects, its own threads.
            ExecutorService threads = Executors.newCachedThreadPool();
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(threads)
                    .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(2)).build();
            HttpRequest request = HttpRequest.newBuilder(url).timeout(TIMEOUT).header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
            post = () -> client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
            close = threads::shutdownNow;
        } else {
            HookClient client = new HookClient(HookSecret.parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), 512, 4096,
                    Duration.ofSeconds(2), System::currentTimeMillis, new SimpleMeterRegistry());
            post = () -> client.post(url, BODY, TIMEOUT);
            close = client::close;
        }
        run(post, rate, Integer.parseInt(args[4]), "warm-up");
        run(post, rate, Integer.parseInt(args[3]), "measured");
        close.run();
        System.exit(0);
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
