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
        Path bin = binaries();
        try {
            Path dir = Files.createTempDirectory("parley-postgres-");
            if (runsAsRoot()) {
                UserPrincipal owner = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(RUN_AS);
                Files.setOwner(dir, owner);
            }
            PostgresServer postgres = new PostgresServer(bin, dir, LocalServers.freePort());
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
        run(List.of(bin.resolve("psql").toString(), "-h", dir.toString(), "-p", Integer.toString(port), "-U", USER,
                "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-q", "-c", "create database " + database), false);
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

    private void end(String mode) {
        if (!running) {
            return;
        }
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-m", mode, "-w", "stop"), true);
        running = false;
    }

    /** Runs {@code command} (as the {@code postgres} user when {@code asOwner} and this is root) and waits for success. */
    private void run(List<String> command, boolean asOwner) {
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
