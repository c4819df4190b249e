package dev.parley.server.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A Lua script run by its SHA1 ({@code EVALSHA}), sent in full ({@code EVAL}) only when Redis does
 * not have it cached, as after a restart ({@code NOSCRIPT}). Immutable and thread-safe.
 *
 * <p>{@link #load} it on every (re)connection: a command sent again after {@code NOSCRIPT} runs
 * after commands sent later that found the script, which changes their order.
 */
public final class LuaScript {
    private final String source;
    private final String sha;

    public LuaScript(String source) {
        this.source = source;
        this.sha = sha1(source);
    }

    /** Runs the script; the result's type follows {@code output}. */
    public <T> CompletableFuture<T> run(RedisAsyncCommands<String, String> commands, ScriptOutputType output,
                                        String[] keys, String... args) {
        CompletableFuture<T> bySha = commands.<T>evalsha(sha, output, keys, args).toCompletableFuture();
        return bySha.handle((value, failure) -> failure == null ? bySha
                : isNoScript(failure) ? commands.<T>eval(source, output, keys, args).toCompletableFuture() : bySha)
                .thenCompose(result -> result);
    }

    /** Puts the script in Redis's cache ({@code SCRIPT LOAD}). */
    public CompletableFuture<String> load(RedisAsyncCommands<String, String> commands) {
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
