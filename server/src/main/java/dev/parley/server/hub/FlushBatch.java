package dev.parley.server.hub;

import io.netty.util.concurrent.FastThreadLocal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * The members one event loop's fan-out tasks have written to and not yet flushed. The first
 * member added queues one flush task behind the fan-out tasks already waiting, so a member gets
 * one flush however many events reached it in the meantime, and the loop runs one flush task
 * rather than one per connection.
 *
 * <p>One per event-loop thread; used only there.
 */
final class FlushBatch implements Runnable {
    private static final FastThreadLocal<FlushBatch> CURRENT = new FastThreadLocal<>();

    /** Who is in {@link #pending}; an identity set allocates nothing per entry. */
    private final Set<Member> queued = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Swapped with {@link #flushing} on each run, so a run allocates nothing. */
    private ArrayList<Member> pending = new ArrayList<>();
    private ArrayList<Member> flushing = new ArrayList<>();

    /** Flushes {@code member} later in this turn of its event loop; call on that loop. */
    static void add(Member member) {
        FlushBatch batch = CURRENT.get();
        if (batch == null) {
            batch = new FlushBatch();
            CURRENT.set(batch);
        }
        if (batch.pending.isEmpty()) {
            member.executor().execute(batch);
        }
        if (batch.queued.add(member)) {
            batch.pending.add(member);
        }
    }

    @Override
    public void run() {
        ArrayList<Member> members = pending;
        pending = flushing;
        flushing = members;
        queued.clear();
        try {
            for (int i = 0; i < members.size(); i++) {
                members.get(i).flush();
            }
        } finally {
            members.clear();
        }
    }
}
