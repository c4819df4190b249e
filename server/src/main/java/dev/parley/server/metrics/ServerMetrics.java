package dev.parley.server.metrics;

import dev.parley.protocol.CloseCode;
import dev.parley.protocol.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The server's Prometheus metrics (served at {@code /metrics}). Every recording method is
 * thread-safe and cheap enough for the event loops' hot paths.
 */
public final class ServerMetrics implements AutoCloseable {
    private static final int OTHER = -1;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    private final AtomicLong activeConnections = new AtomicLong();
    private final Counter connections;
    private final Counter framesIn;
    private final Counter framesOut;
    private final Counter deliveries;
    private final Map<ErrorCode, Counter> errors = new EnumMap<>(ErrorCode.class);
    private final Map<Integer, Counter> closes = new ConcurrentHashMap<>();

    public ServerMetrics() {
        connections = Counter.builder("parley.connections").description("WebSocket connections opened").register(registry);
        Gauge.builder("parley.connections.active", activeConnections, AtomicLong::get)
                .description("WebSocket connections open now").register(registry);
        framesIn = Counter.builder("parley.frames.in").description("WebSocket data frames received").register(registry);
        framesOut = Counter.builder("parley.frames.out").description("WebSocket data frames sent").register(registry);
        deliveries = Counter.builder("parley.deliveries")
                .description("Room and direct events handed to a recipient").register(registry);
        for (ErrorCode code : ErrorCode.values()) {
            errors.put(code, Counter.builder("parley.errors").tag("code", code.wireName())
                    .description("Error replies sent, by code").register(registry));
        }
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
    }

    /** Reports {@code activeRooms}, read at each scrape, as the number of rooms with members on this node. */
    public void gaugeActiveRooms(Supplier<Number> activeRooms) {
        Gauge.builder("parley.rooms.active", activeRooms).description("Rooms with members on this node").register(registry);
    }

    public void connectionOpened() {
        connections.increment();
        activeConnections.incrementAndGet();
    }

    /**
     * A connection ended with {@code closeCode}: 1006 when it ended without a close frame, 1005 when
     * the client's close frame had no code. Codes Parley does not define count as {@code other}, so
     * that clients cannot make the metric grow without bound.
     */
    public void connectionClosed(int closeCode) {
        activeConnections.decrementAndGet();
        int known = CloseCode.of(closeCode) != null || closeCode == CloseCode.NO_STATUS_RECEIVED
                || closeCode == CloseCode.ABNORMAL_CLOSURE ? closeCode : OTHER;
        closes.computeIfAbsent(known, code -> Counter.builder("parley.closes")
                .tag("code", code == OTHER ? "other" : Integer.toString(code))
                .description("Connections ended, by close code").register(registry)).increment();
    }

    public long activeConnections() {
        return activeConnections.get();
    }

    public void frameIn() {
        framesIn.increment();
    }

    public void frameOut() {
        framesOut.increment();
    }

    /** Events queued for {@code recipients} connections by one fan-out, each one frame out. */
    public void delivered(int recipients) {
        deliveries.increment(recipients);
        framesOut.increment(recipients);
    }

    public void error(ErrorCode code) {
        errors.get(code).increment();
    }

    /** The registry, for parts that record metrics of their own (the Redis client). */
    public MeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition of every metric. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gcMetrics.close();
        registry.close();
    }
}
