package dev.parley.client;

import dev.parley.protocol.ServerEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The client's event thread: it calls the {@link ParleyListener} and completes request futures,
 * one task at a time in the order the control thread hands them over, so that a slow listener
 * never holds up the socket or the client's timers. {@link #finish} ends it with
 * {@link ParleyListener#onClosed}.
 */
final class EventDispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(EventDispatcher.class);

    private final ParleyListener listener;
    private final ExecutorService executor;
    private volatile Thread thread;
    private volatile boolean finished;

    EventDispatcher(ParleyListener listener, String threadName) {
        this.listener = listener;
        this.executor = Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, threadName);
            t.setDaemon(true);
            thread = t;
            return t;
        });
    }

    /** Calls the listener on the event thread, unless the client has finished. */
    void event(Consumer<ParleyListener> call) {
        run(() -> {
            if (!finished) {
                call(call);
            }
        });
    }

    /** Hands a room event to the listener method of its type, on the event thread. */
    void roomEvent(ServerEvent.RoomEvent event) {
        if (event instanceof ServerEvent.Message message) {
            event(l -> l.onMessage(message));
        } else if (event instanceof ServerEvent.Edit edit) {
            event(l -> l.onEdit(edit));
        } else if (event instanceof ServerEvent.Delete delete) {
            event(l -> l.onDelete(delete));
        } else if (event instanceof ServerEvent.Reaction reaction) {
            event(l -> l.onReaction(reaction));
        }
    }

    /** Completes {@code future} on the event thread; if that thread has ended, cancels it. */
    <T> void complete(CompletableFuture<T> future, T value) {
        if (!run(() -> future.complete(value))) {
            future.cancel(false);
        }
    }

    /** Fails {@code future} on the event thread; if that thread has ended, fails it here. */
    void fail(CompletableFuture<?> future, Throwable failure) {
        if (!run(() -> future.completeExceptionally(failure))) {
            future.completeExceptionally(failure);
        }
    }

    /**
     * Calls {@link ParleyListener#onClosed} last and lets the thread end. After the application's
     * own close ({@code cause} null) the events still queued are dropped, since it asked for no
     * more; after a failure they are delivered first, since they happened before it. Future
     * completions already queued run either way. Called once.
     */
    void finish(Throwable cause) {
        if (cause == null) {
            finished = true;
        }
        run(() -> {
            finished = true;
            call(l -> l.onClosed(cause));
        });
        executor.shutdown();
    }

    boolean isEventThread() {
        return Thread.currentThread() == thread;
    }

    boolean awaitTermination(Duration timeout) throws InterruptedException {
        return executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private boolean run(Runnable task) {
        try {
            executor.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    private void call(Consumer<ParleyListener> call) {
        try {
            call.accept(listener);
        } catch (RuntimeException e) {
            LOG.warn("the listener threw; delivery goes on", e);
        }
    }
}
