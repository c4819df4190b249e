package dev.parley.server.limits;

import java.net.InetAddress;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Per client address: at most {@code maxOpen} open connections and {@code perSecond} new ones a
 * second (0 turns either off). Thread-safe; each address's counts change under the map's lock for
 * that key. Addresses with nothing open are forgotten by {@link #sweep()} once their second has
 * passed.
 */
public final class AddressLimiter {
    private static final long SECOND_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Why a connection was refused, or that it was admitted. */
    public enum Verdict {
        ADMITTED, TOO_MANY_OPEN, TOO_FAST;

        /** The verdict as a metric tag: {@code too_many_open}. */
        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final class Usage {
        int open;
        long windowStart;
        int openedInWindow;
    }

    private final int maxOpen;
    private final int perSecond;
    private final LongSupplier nanoClock;
    private final Map<InetAddress, Usage> usage = new ConcurrentHashMap<>();

    public AddressLimiter(int maxOpen, int perSecond, LongSupplier nanoClock) {
        this.maxOpen = maxOpen;
        this.perSecond = perSecond;
        this.nanoClock = nanoClock;
    }

    /** Whether any limit is on. */
    public boolean enabled() {
        return maxOpen > 0 || perSecond > 0;
    }

    /** Counts a new connection from {@code address} unless a limit refuses it; an admitted one must be {@link #release}d. */
    public Verdict acquire(InetAddress address) {
        Verdict[] verdict = {Verdict.ADMITTED};
        long now = nanoClock.getAsLong();
        usage.compute(address, (key, u) -> {
            Usage current = u == null ? new Usage() : u;
            if (now - current.windowStart >= SECOND_NANOS || u == null) {
                current.windowStart = now;
                current.openedInWindow = 0;
            }
            if (maxOpen > 0 && current.open >= maxOpen) {
                verdict[0] = Verdict.TOO_MANY_OPEN;
            } else if (perSecond > 0 && current.openedInWindow >= perSecond) {
                verdict[0] = Verdict.TOO_FAST;
            } else {
                current.open++;
                current.openedInWindow++;
            }
            return current;
        });
        return verdict[0];
    }

    /** An admitted connection from {@code address} has closed. */
    public void release(InetAddress address) {
        usage.computeIfPresent(address, (key, u) -> {
            u.open--;
            return u;
        });
    }

    /** Forgets addresses with nothing open whose counting second is over. */
    public void sweep() {
        long now = nanoClock.getAsLong();
        for (InetAddress address : usage.keySet()) {
            usage.computeIfPresent(address, (key, u) -> u.open == 0 && now - u.windowStart >= SECOND_NANOS ? null : u);
        }
    }

    /** Addresses tracked now, for tests and metrics. */
    public int trackedAddresses() {
        return usage.size();
    }
}
