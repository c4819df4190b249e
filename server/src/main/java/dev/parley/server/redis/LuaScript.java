package dev.parley.server.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A Lua script, run either by its SHA1 ({@link #run}) or sent in full every time
 * ({@link #runInOrder}). Immutable and thread-safe.
 *
 * <p>{@link #run} sends {@code EVALSHA} and the whole script ({@code EVAL}) only when Redis does not
 * have it cached, as after a restart ({@code NOSCRIPT}). A command sent again after {@code NOSCRIPT}
 * runs after commands sent later that found the script, so {@link #load} it on every
 * (re)connection; even so, on a reconnection Lettuce first re-sends the commands that were on their
 * way when the connection dropped, and other threads may send theirs, before that {@code SCRIPT LOAD}
 * gets out. Use {@link #run} where a script's own result orders what it does (a room's offset);
 * use {@link #runInOrder} where the commands about one key must run in the order they were sent.
 */
public final class LuaScript {
    private final String source;
    private final String sha;

    public LuaScript(String source) {
        this.source = source;
        this.sha = sha1(source);
    }

    /**
     * The scripts {@code redis/<name>.lua} from the class path, one after the other, as one script.
     * Their comment lines stay in the files: a script sent in full would carry them on every call.
     */
    public static LuaScript fromResources(String... names) {
        StringBuilder source = new StringBuilder();
        for (String name : names) {
            try (InputStream in = LuaScript.class.getResourceAsStream("/redis/" + name + ".lua")) {
                if (in == null) {
                    throw new IllegalStateException("redis/" + name + ".lua is missing from the class path");
                }
                new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                        .filter(line -> !line.stripLeading().startsWith("--"))
                        .forEach(line -> source.append(line).append('\n'));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new LuaScript(source.toString());
    }

    /** This script after {@code line}: a {@code local} that parts of the script read, say. */
    public LuaScript after(String line) {
        return new LuaScript(line + '\n' + source);
    }

    /** Runs the script by its SHA1, in full on {@code NOSCRIPT}; the result's type follows {@code output}. */
    public <T> CompletableFuture<T> run(RedisClusterAsyncCommands<String, String> commands, ScriptOutputType output,
                                        String[] keys, String... args) {
        CompletableFuture<T> bySha = commands.<T>evalsha(sha, output, keys, args).toCompletableFuture();
        return bySha.handle((value, failure) -> failure == null ? bySha
                : isNoScript(failure) ? commands.<T>eval(source, output, keys, args).toCompletableFuture() : bySha)
                .thenCompose(result -> result);
    }

    /**
     * Runs the script sent in full ({@code EVAL}; Redis keeps it compiled), so that it runs in the
     * order it was sent among the connection's other commands, whatever Redis has cached.
     */
    public <T> CompletableFuture<T> runInOrder(RedisClusterAsyncCommands<String, String> commands, ScriptOutputType output,
                                               String[] keys, String... args) {
        return commands.<T>eval(source, output, keys, args).toCompletableFuture();
    }

    /** Puts the script in Redis's cache ({@code SCRIPT LOAD}). */
    public CompletableFuture<String> load(RedisClusterAsyncCommands<String, String> commands) {
        return commands.scriptLoad(source).toCompletableFuture();
    }

    private static boolean isNoScript(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return cause instanceof RedisNoScriptException;
    }

    private static String sha1(String source) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-1", e);
        }
    }
}
