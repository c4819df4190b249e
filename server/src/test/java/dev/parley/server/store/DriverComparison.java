package dev.parley.server.store;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.HdrHistogram.Histogram;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The driver comparison of docs/benchmarks.md: pgjdbc with HikariCP (the server's {@link Database}
 * and the {@link GroupCommitWriter}'s own statements) beside vertx-pg-client, on one PostgreSQL, in
 * alternating rounds. Two measurements, each the same SQL on both drivers:
 * <ul>
 * <li>the group-commit write: one writer, transactions of a fixed number of events over
 * {@value #ROOMS} rooms, each with a nonce (lock the rooms, look the nonces up, insert, commit),
 * one after another: events a second and each transaction's time to its commit;</li>
 * <li>a {@code history} page of 50 (the room's epoch and top, then the page below a random
 * offset) on a room of {@code bigRoom} events, {@value #READERS} at a time: each page's time.</li>
 * </ul>
 * Not a test: run with the test classpath,
 * {@code java -cp ... dev.parley.server.store.DriverComparison URL ROUNDS BIG_ROOM_EVENTS BATCH...}
 * against an empty database (it applies the migrations and loads the big room with
 * {@code generate_series}). {@code -Dsetup=SQL} runs a statement after that (to try a setting or
 * an index change); {@code -Dvertx=off} measures pgjdbc alone.
 */
final class DriverComparison {
    private static final int ROOMS = 100;
    private static final int READERS = 4;
    private static final int PAGE = 50;
    private static final String BIG_ROOM = "big";
    private static final String ROOM_STATE = "select epoch, top from rooms where room = $1";
    private static final String PAGE_BELOW = "select \"offset\", ts, sender, text from room_events where room = $1 "
            + "and \"offset\" < $2 and \"offset\" <= $3 order by \"offset\" desc limit $4";
    private static final long WARMUP_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final long WRITE_NANOS = TimeUnit.SECONDS.toNanos(6);
    private static final int READS = 4_000;

    /** One driver's two measurements. */
    private interface Driver extends AutoCloseable {
        String name();

        /** Stores {@code batch} in one transaction; returns once it is committed. */
        void write(List<GroupCommitWriter.Append> batch) throws Exception;

        /** A history page of {@link #PAGE} below {@code before}, {@link #READERS} of them at a time; each page's time. */
        CompletableFuture<Void> page(long before);
    }

    private static final class Jdbc implements Driver {
        private final Database database;
        private final RoomHistory history;

        Jdbc(String url) {
            database = Database.open(new Database.Settings(DatabaseUrl.parse(url), READERS + Database.OTHER_CONNECTIONS,
                    5_000), new SimpleMeterRegistry());
            history = new RoomHistory(database);
        }

        @Override
        public String name() {
            return "pgjdbc+HikariCP";
        }

        @Override
        public void write(List<GroupCommitWriter.Append> batch) throws Exception {
            try (Connection connection = database.connection()) {
                connection.setAutoCommit(false);
                GroupCommitWriter.store(connection, batch, System::currentTimeMillis);
                connection.commit();
            }
        }

        @Override
        public CompletableFuture<Void> page(long before) {
            return history.before(BIG_ROOM, before, PAGE).thenApply(page -> null);
        }

        @Override
        public void close() {
            database.close();
        }
    }

    private static final class Vertx5 implements Driver {
        private static final String LOCK_ROOMS = dollars(GroupCommitWriter.LOCK_ROOMS);
        private static final String FIND_NONCES = dollars(GroupCommitWriter.FIND_NONCES);
        private static final String INSERT_EVENTS = dollars(GroupCommitWriter.INSERT_EVENTS);
        private final Vertx vertx = Vertx.vertx();
        private final Pool pool;

        Vertx5(String url) {
            DatabaseUrl parsed = DatabaseUrl.parse(url);
            PgConnectOptions connect = PgConnectOptions.fromUri(parsed.jdbcUrl().substring("jdbc:".length()))
                    .setUser(parsed.user()).setCachePreparedStatements(true);
            if (parsed.password() != null) {
                connect.setPassword(parsed.password());
            }
            pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(READERS + 1)).connectingTo(connect)
                    .using(vertx).build();
        }

        /** JDBC's {@code ?} parameters as PostgreSQL's {@code $n}. */
        private static String dollars(String sql) {
            StringBuilder out = new StringBuilder();
            int n = 0;
            for (char c : sql.toCharArray()) {
                if (c == '?') {
                    out.append('$').append(++n);
                } else {
                    out.append(c);
                }
            }
            return out.toString();
        }

        @Override
        public String name() {
            return "vertx-pg-client";
        }

        @Override
        public void write(List<GroupCommitWriter.Append> batch) {
            String[] rooms = batch.stream().map(GroupCommitWriter.Append::room).distinct().sorted().toArray(String[]::new);
            pool.withTransaction(connection -> connection.preparedQuery(LOCK_ROOMS).execute(Tuple.of(rooms))
                    .compose(locked -> {
                        Map<String, Long> tops = new HashMap<>();
                        for (Row row : locked) {
                            tops.put(row.getString(0), row.getLong(1));
                        }
                        return connection.preparedQuery(FIND_NONCES).execute(Tuple.of(
                                        column(batch, GroupCommitWriter.Append::room),
                                        column(batch, append -> append.sender().toLowerCase(Locale.ROOT)),
                                        column(batch, GroupCommitWriter.Append::nonce)))
                                .compose(found -> insert(connection, batch, tops));
                    })).toCompletionStage().toCompletableFuture().join();
        }

        private static Future<?> insert(SqlConnection connection, List<GroupCommitWriter.Append> batch,
                                        Map<String, Long> tops) {
            int size = batch.size();
            String[] rooms = new String[size];
            Long[] offsets = new Long[size];
            Long[] times = new Long[size];
            long now = System.currentTimeMillis();
            for (int i = 0; i < size; i++) {
                rooms[i] = batch.get(i).room();
                offsets[i] = tops.merge(rooms[i], 1L, Long::sum);
                times[i] = now;
            }
            return connection.preparedQuery(INSERT_EVENTS).execute(Tuple.of(
                    tops.keySet().toArray(String[]::new), tops.values().toArray(Long[]::new), rooms, offsets,
                    column(batch, GroupCommitWriter.Append::sender), column(batch, GroupCommitWriter.Append::text),
                    times, column(batch, GroupCommitWriter.Append::nonce)));
        }

        private static String[] column(List<GroupCommitWriter.Append> batch,
                                       Function<GroupCommitWriter.Append, String> field) {
            return batch.stream().map(field).toArray(String[]::new);
        }

        @Override
        public CompletableFuture<Void> page(long before) {
            return pool.withConnection(connection -> connection.preparedQuery(ROOM_STATE).execute(Tuple.of(BIG_ROOM))
                    .compose(state -> {
                        long top = state.iterator().next().getLong(1);
                        return connection.preparedQuery(PAGE_BELOW).execute(Tuple.of(BIG_ROOM, before, top, PAGE));
                    })).toCompletionStage().toCompletableFuture().thenApply(rows -> null);
        }

        @Override
        public void close() {
            pool.close().toCompletionStage().toCompletableFuture().join();
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    /** Events a second, each transaction's time, and the CPU spent per event by this process and by PostgreSQL's. */
    private record WriteResult(double eventsPerSec, Histogram commitMicros, double clientCpuMicros,
                               double postgresCpuMicros) {
    }

    private record ReadResult(double pagesPerSec, Histogram pageMicros) {
    }

    private static final AtomicLong NONCES = new AtomicLong();
    private static final com.sun.management.OperatingSystemMXBean PROCESS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private DriverComparison() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        int rounds = Integer.parseInt(args[1]);
        long bigRoom = Long.parseLong(args[2]);
        int[] batches = new int[args.length - 3];
        for (int i = 3; i < args.length; i++) {
            batches[i - 3] = Integer.parseInt(args[i]);
        }
        List<Supplier<Driver>> drivers = System.getProperty("vertx", "on").equals("off")
                ? List.of(() -> new Jdbc(url)) : List.of(() -> new Jdbc(url), () -> new Vertx5(url));
        try (Driver migrated = drivers.get(0).get()) {
            loadBigRoom(url, bigRoom);
        }
        System.out.printf(Locale.ROOT, "%-16s %5s %6s %12s %10s %10s %10s %14s %14s%n", "driver", "round", "batch",
                "events/s", "commit p50", "p99", "max", "client µs/ev", "postgres µs/ev");
        for (int round = 1; round <= rounds; round++) {
            for (Supplier<Driver> make : drivers) {
                try (Driver driver = make.get()) {
                    for (int batch : batches) {
                        WriteResult result = write(driver, batch);
                        System.out.printf(Locale.ROOT, "%-16s %5d %6d %12.0f %10s %10s %10s %14.1f %14.1f%n", driver.name(),
                                round, batch, result.eventsPerSec(), ms(result.commitMicros(), 50),
                                ms(result.commitMicros(), 99), ms(result.commitMicros(), 100), result.clientCpuMicros(),
                                result.postgresCpuMicros());
                    }
                    ReadResult pages = read(driver, bigRoom);
                    System.out.printf(Locale.ROOT, "%-16s %5d %6s %12s %10s %10s %10s   history pages, %d at a time, p99.9 %s%n",
                            driver.name(), round, "read", String.format(Locale.ROOT, "%.0f/s", pages.pagesPerSec()),
                            ms(pages.pageMicros(), 50), ms(pages.pageMicros(), 99), ms(pages.pageMicros(), 100), READERS,
                            ms(pages.pageMicros(), 99.9));
                }
            }
        }
    }

    /** Fills the big room, once, with {@code generate_series}, on a connection without the pool's timeouts. */
    private static void loadBigRoom(String url, long events) throws Exception {
        DatabaseUrl parsed = DatabaseUrl.parse(url);
        try (Connection connection = DriverManager.getConnection(parsed.jdbcUrl(), parsed.user(), parsed.password());
             Statement statement = connection.createStatement()) {
            statement.execute("insert into rooms (room, top) values ('" + BIG_ROOM + "', " + events + ") on conflict do nothing");
            statement.execute("insert into room_events (room, \"offset\", kind, sender, text, ts, nonce) "
                    + "select '" + BIG_ROOM + "', n, 'message', 'u' || (n % 100), 'message ' || n || ' w' || (n % 100) "
                    + "|| ' lorem ipsum dolor sit amet ' || md5(n::text), 1700000000000 + n * 10, md5(n::text) "
                    + "from generate_series(1, " + events + ") n on conflict do nothing");
            statement.execute("vacuum analyze room_events");
            String setup = System.getProperty("setup");
            if (setup != null) {
                statement.execute(setup);
            }
        }
    }

    private static WriteResult write(Driver driver, int batchSize) throws Exception {
        long warm = System.nanoTime() + WARMUP_NANOS;
        while (System.nanoTime() < warm) {
            driver.write(batch(batchSize));
        }
        Histogram commits = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
        long events = 0;
        long start = System.nanoTime();
        long end = start + WRITE_NANOS;
        long now = start;
        long clientCpu = PROCESS.getProcessCpuTime();
        long postgresCpu = postgresCpuNanos();
        while (now < end) {
            List<GroupCommitWriter.Append> batch = batch(batchSize);
            driver.write(batch);
            long done = System.nanoTime();
            commits.recordValue(Math.min(commits.getHighestTrackableValue(), (done - now) / 1_000));
            events += batchSize;
            now = done;
        }
        return new WriteResult(events / ((now - start) / 1e9), commits,
                (PROCESS.getProcessCpuTime() - clientCpu) / 1e3 / events, (postgresCpuNanos() - postgresCpu) / 1e3 / events);
    }

    private static List<GroupCommitWriter.Append> batch(int size) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        List<GroupCommitWriter.Append> batch = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            int room = random.nextInt(ROOMS);
            batch.add(new GroupCommitWriter.Append("room-" + room, "User" + room, "t" + System.nanoTime()
                    + " xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
                    "n" + NONCES.incrementAndGet() + "-" + Long.toHexString(random.nextLong()), null));
        }
        return batch;
    }

    /** {@link #READS} pages below random offsets, {@link #READERS} threads each asking for one after another. */
    private static ReadResult read(Driver driver, long bigRoom) {
        for (int i = 0; i < 200; i++) {
            driver.page(1 + ThreadLocalRandom.current().nextLong(bigRoom)).join();
        }
        Histogram pages = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
        AtomicLong left = new AtomicLong(READS);
        long start = System.nanoTime();
        ExecutorService threads = Executors.newFixedThreadPool(READERS);
        List<CompletableFuture<Void>> readers = new ArrayList<>();
        for (int r = 0; r < READERS; r++) {
            readers.add(CompletableFuture.runAsync(() -> {
                while (left.decrementAndGet() >= 0) {
                    long begin = System.nanoTime();
                    driver.page(PAGE + 1 + ThreadLocalRandom.current().nextLong(bigRoom)).join();
                    synchronized (pages) {
                        pages.recordValue((System.nanoTime() - begin) / 1_000);
                    }
                }
            }, threads));
        }
        CompletableFuture.allOf(readers.toArray(CompletableFuture[]::new)).join();
        threads.shutdown();
        return new ReadResult(READS / ((System.nanoTime() - start) / 1e9), pages);
    }

    /** CPU time of every process named postgres on this machine (the server's backends, WAL writer, checkpointer, ...). */
    private static long postgresCpuNanos() {
        long ticks = 0;
        File[] processes = new File("/proc").listFiles((dir, name) -> name.chars().allMatch(Character::isDigit));
        for (File process : processes == null ? new File[0] : processes) {
            try {
                String stat = Files.readString(process.toPath().resolve("stat"));
                int name = stat.indexOf('('), fields = stat.lastIndexOf(')');
                if (stat.substring(name + 1, fields).equals("postgres")) {
                    String[] rest = stat.substring(fields + 2).split(" ");
                    ticks += Long.parseLong(rest[11]) + Long.parseLong(rest[12]);
                }
            } catch (IOException | RuntimeException e) {
                // the process ended meanwhile
            }
        }
        return ticks * 10_000_000L;
    }

    private static String ms(Histogram micros, double percentile) {
        return String.format(Locale.ROOT, "%.2f ms", micros.getValueAtPercentile(percentile) / 1000.0);
    }
}
