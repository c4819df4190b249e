package dev.parley.client;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/** Futures derived from a request's own future without changing how it fails. */
final class Futures {
    private Futures() {
    }

    /**
     * {@code reply}'s value through {@code map}, completed on the thread that completes {@code reply}.
     * Unlike {@link CompletableFuture#thenApply}, the failure is {@code reply}'s own (a cancelled
     * request stays a {@link CancellationException}, not one wrapped in a
     * {@link java.util.concurrent.CompletionException}), and cancelling the result cancels the request.
     */
    static <T, U> CompletableFuture<U> map(CompletableFuture<T> reply, Function<? super T, ? extends U> map) {
        CompletableFuture<U> mapped = new CompletableFuture<>();
        reply.whenComplete((value, failure) -> {
            if (failure != null) {
                mapped.completeExceptionally(failure);
            } else {
                try {
                    mapped.complete(map.apply(value));
                } catch (RuntimeException e) {
                    mapped.completeExceptionally(e);
                }
            }
        });
        mapped.whenComplete((value, failure) -> {
            if (failure instanceof CancellationException) {
                reply.cancel(false);
            }
        });
        return mapped;
    }
}
