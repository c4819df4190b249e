package dev.parley.loadtest.run;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/** Waiting on the orchestrating thread (never an event loop) for a time or a condition. */
public final class Waits {
    private static final long POLL_NANOS = 20_000_000;

    private Waits() {
    }

    /** Parks until {@code deadlineNanos}, a {@link System#nanoTime()} value. */
    public static void sleepUntil(long deadlineNanos) {
        long left;
        while ((left = deadlineNanos - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }

    /** Waits until {@code done} holds or {@code timeoutMs} passes; whether it held. */
    public static boolean await(BooleanSupplier done, long timeoutMs) {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
        return true;
    }

    /**
     * Waits until {@code counter} has not moved for {@code quietMs}, or {@code timeoutMs} passes;
     * whether it went quiet.
     */
    public static boolean awaitQuiet(LongSupplier counter, long quietMs, long timeoutMs) {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        long last = counter.getAsLong();
        long quietSince = System.nanoTime();
        while (System.nanoTime() - quietSince < quietMs * 1_000_000) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(POLL_NANOS);
            long now = counter.getAsLong();
            if (now != last) {
                last = now;
                quietSince = System.nanoTime();
            }
        }
        return true;
    }
}
