package dev.parley.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server on a free loopback port, owned by a test: a fresh cluster in a
 * temporary directory ({@code initdb}, a password over TCP, {@code fsync} on), one database,
 * started and stopped with {@code pg_ctl}. PostgreSQL refuses to run as root, so a test that runs
 * as root runs the binaries as the {@code postgres} user the Debian package creates. The data
 * survives {@link #stop()} and {@link #kill()}: {@link #restart()} brings it back on the same port.
 *
 * <pre>{@code
 * try (PostgresServer postgres = PostgresServer.start()) {
 *     ServerConfig config = ... .with("--database-url", postgres.url()) ...;
 *     postgres.kill();      // a crash: immediate shutdown, no checkpoint
 *     postgres.restart();   // back, with everything committed, same port
 *     postgres.pause();     // frozen (SIGSTOP): connections stay open, nothing answers
 *     postgres.resume();
 *     try (PostgresServer standby = postgres.startStandby()) {   // streaming replication
 *         postgres.crash();  // kill -9 of every process of the server
 *         standby.promote(); // the standby becomes the primary
 *     }
 * }
 * }</pre>
 */
public final class PostgresServer implements AutoCloseable {
    public static final String USER = "parley";
    /** {@value #USER}'s password: connections over TCP must give it (scram-sha-256); the socket is trusted. */
    public static final String PASSWORD = "parley-test-password";
    public static final String DATABASE = "parley";
    private static final String RUN_AS = "postgres";
    private static final long COMMAND_TIMEOUT_SECONDS = 60;

    private final Path bin;
    private final Path dir;
    private final int port;
    private final Thread cleanup = new Thread(this::close, "postgres-server-cleanup");
    private boolean running;

    private PostgresServer(Path bin, Path dir, int port) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
    }

    /**
     * Creates a cluster in a temporary directory, starts it on a free port and creates the database
     * {@value #DATABASE}, owned by the superuser {@value #USER} (password {@value #PASSWORD}). Fails with what to install when
     * PostgreSQL is not there.
     */
    public static PostgresServer start() {
        try {
            PostgresServer postgres = create(binaries());
            Path dir = postgres.dir;
            Path bin = postgres.bin;
            Path passwordFile = Files.writeString(dir.resolve("password"), PASSWORD + "\n");
            postgres.run(List.of(bin.resolve("initdb").toString(), "-D", postgres.data().toString(),
                    "--auth-local=trust", "--auth-host=scram-sha-256", "--pwfile=" + passwordFile, "-U", USER, "-E", "UTF8",
                    "--no-instructions"), true);
            Runtime.getRuntime().addShutdownHook(postgres.cleanup);
            postgres.restart();
            postgres.createDatabase(DATABASE);
            return postgres;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A server in a new temporary directory (owned by {@value #RUN_AS} when this is root) on a free port; nothing started. */
    private static PostgresServer create(Path bin) throws IOException {
        Path dir = Files.createTempDirectory("parley-postgres-");
        if (runsAsRoot()) {
            UserPrincipal owner = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(RUN_AS);
            Files.setOwner(dir, owner);
        }
        return new PostgresServer(bin, dir, LocalServers.freePort());
    }

    /**
     * A streaming standby of this server on a port of its own ({@code pg_basebackup -R} through
     * this server's socket, hot standby), started; its {@link #url()} reads what this server
     * committed. It is synchronous once {@link #requireSynchronousStandby()} was called on this
     * server. Close it as any server.
     */
    public PostgresServer startStandby() {
        try {
            PostgresServer standby = create(bin);
            run(List.of(bin.resolve("pg_basebackup").toString(), "-h", dir.toString(), "-p", Integer.toString(port),
                    "-U", USER, "-D", standby.data().toString(), "-R", "-X", "stream", "-c", "fast",
                    "-d", "application_name=standby"), true);
            Runtime.getRuntime().addShutdownHook(standby.cleanup);
            standby.restart();
            return standby;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Makes every commit on this server wait until a standby has it on disk
     * ({@code synchronous_standby_names = '*'}, {@code synchronous_commit = on}) and waits until a
     * standby is streaming as the synchronous one. Call it after {@link #startStandby()}: a standby
     * copied with the setting would, once promoted, wait for a standby of its own at every commit.
     */
    public void requireSynchronousStandby() {
        psql("alter system set synchronous_standby_names = '*'");
        psql("alter system set synchronous_commit = on");
        psql("select pg_reload_conf()");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(COMMAND_TIMEOUT_SECONDS);
        while (!psql("select count(*) from pg_stat_replication where sync_state = 'sync'").equals("1")) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no synchronous standby streams from port " + port);
            }
            Thread.onSpinWait();
        }
    }

    /** Makes this standby the primary ({@code pg_ctl promote}); returns once it accepts writes. */
    public synchronized void promote() {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-w", "-t", "60", "promote"), true);
    }

    /** How many sessions wait for a lock that another holds: to know that a test's lock holds a client up. */
    public int sessionsWaitingForALock() {
        return Integer.parseInt(psql("select count(*) from pg_stat_activity where wait_event_type = 'Lock'"));
    }

    /** Runs {@code sql} in database {@value #DATABASE} through the server's socket; returns its output, unaligned. */
    public String psql(String sql) {
        return psql(DATABASE, sql);
    }

    private String psql(String database, String sql) {
        return run(List.of(bin.resolve("psql").toString(), "-h", dir.toString(), "-p", Integer.toString(port), "-U", USER,
                "-d", database, "-v", "ON_ERROR_STOP=1", "-Atq", "-c", sql), false).strip();
    }

    /** The newest {@code /usr/lib/postgresql/<version>/bin}, or the directory of {@code initdb} on the PATH. */
    private static Path binaries() {
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                Path newest = versions.map(version -> version.resolve("bin"))
                        .filter(dir -> Files.isExecutable(dir.resolve("initdb")))
                        .max(Comparator.comparing(dir -> versionOf(dir.getParent()))).orElse(null);
                if (newest != null) {
                    return newest;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Path onPath = LocalServers.directoryOnPath("initdb");
        if (onPath != null) {
            return onPath;
        }
        throw new IllegalStateException("PostgreSQL is not installed: no /usr/lib/postgresql/*/bin/initdb and no "
                + "initdb on the PATH (apt-get install postgresql; .ci/run installs it)");
    }

    private static int versionOf(Path versionDir) {
        try {
            return Integer.parseInt(versionDir.getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static boolean runsAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    public int port() {
        return port;
    }

    /** {@code postgresql://parley:<password>@127.0.0.1:<port>/parley}, the form operators write. */
    public String url() {
        return url(DATABASE);
    }

    /** The URL of another database of this server, as {@link #url()}. */
    public String url(String database) {
        return "postgresql://" + USER + ":" + PASSWORD + "@127.0.0.1:" + port + "/" + database;
    }

    /** Creates a database (a name of letters, digits and {@code _}); returns its {@link #url(String) URL}. */
    public String createDatabase(String database) {
        psql("postgres", "create database " + database);
        return url(database);
    }

    /** A test's own JDBC connection to {@code database} as {@value #USER} (the JDBC driver must be on the class path). */
    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, USER, PASSWORD);
    }

    private Path data() {
        return dir.resolve("data");
    }

    public synchronized boolean isRunning() {
        return running;
    }

    /** Starts the server on its port with the data it had; returns once it accepts connections. */
    public synchronized void restart() {
        if (running) {
            throw new IllegalStateException("PostgreSQL is running on port " + port);
        }
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-l", dir.resolve("log").toString(),
                "-w", "-t", "60", "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=on",
                "start"), true);
        running = true;
    }

    /** Stops the server the way an operator does ({@code -m fast}: sessions cut, a checkpoint written). */
    public synchronized void stop() {
        end("fast");
    }

    /** Stops the server as a crash would ({@code -m immediate}: no checkpoint; recovery replays the WAL on restart). */
    public synchronized void kill() {
        end("immediate");
    }

    /** Kills every process of the server with SIGKILL ({@code kill -9}: a machine's crash); {@link #restart()} recovers. */
    public synchronized void crash() {
        if (!running) {
            return;
        }
        signal("KILL");
        ProcessHandle postmaster = postmaster();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(COMMAND_TIMEOUT_SECONDS);
        while (postmaster.isAlive() || postmaster.descendants().anyMatch(ProcessHandle::isAlive)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("PostgreSQL on port " + port + " outlived SIGKILL");
            }
            Thread.onSpinWait();
        }
        running = false;
    }

    /**
     * Freezes the server (SIGSTOP to the postmaster and every backend): its connections stay open
     * and TCP still accepts, but nothing answers, as with a server stalled on its disk or a network
     * that stopped carrying. {@link #resume()} thaws it.
     */
    public synchronized void pause() {
        signal("STOP");
    }

    /** Thaws a {@link #pause() paused} server (SIGCONT); it answers what waited. */
    public synchronized void resume() {
        signal("CONT");
    }

    /**
     * Sends {@code signal} to the postmaster and all its descendants. The postmaster is stopped
     * before they are listed: a backend it forked for a new connection after the list (the pool
     * still filling) would otherwise escape the signal, and answer while the rest is frozen.
     */
    private void signal(String signal) {
        ProcessHandle postmaster = postmaster();
        run(List.of("kill", "-STOP", Long.toString(postmaster.pid())), true);
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal, Long.toString(postmaster.pid())));
        postmaster.descendants().forEach(process -> command.add(Long.toString(process.pid())));
        run(command, true);
    }

    /** The running postmaster, from the first line of {@code postmaster.pid}. */
    private ProcessHandle postmaster() {
        try {
            long pid = Long.parseLong(Files.readAllLines(data().resolve("postmaster.pid")).get(0).strip());
            return ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no postmaster " + pid));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void end(String mode) {
        if (!running) {
            return;
        }
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-m", mode, "-w", "stop"), true);
        running = false;
    }

    /**
     * Runs {@code command} (as the {@code postgres} user when {@code asOwner} and this is root), waits
     * for success and returns its output.
     */
    private String run(List<String> command, boolean asOwner) {
        List<String> full = new ArrayList<>();
        if (asOwner && runsAsRoot()) {
            full.addAll(List.of("runuser", "-u", RUN_AS, "--"));
        }
        full.addAll(command);
        try {
            Process process = new ProcessBuilder(full).directory(dir.toFile()).redirectErrorStream(true).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", full) + " did not finish");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", full) + " failed (" + process.exitValue() + "): "
                        + new String(output, StandardCharsets.UTF_8).strip() + log());
            }
            return new String(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", full), e);
        }
    }

    private String log() {
        Path log = dir.resolve("log");
        try {
            return Files.exists(log) ? "\nserver log:\n" + Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Stops the server at once and deletes its directory. */
    @Override
    public synchronized void close() {
        try {
            kill();
        } finally {
            deleteDirectory();
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // close() is the hook itself
            }
        }
    }

    private void deleteDirectory() {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path visited, IOException e) throws IOException {
                    Files.delete(visited);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
