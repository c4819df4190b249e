package dev.parley.server.hub;

import io.netty.util.concurrent.FastThreadLocal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
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

    private final Set<Member> pending = Collections.newSetFromMap(new IdentityHashMap<>());

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
        batch.pending.add(member);
    }

    @Override
    public void run() {
        List<Member> members = new ArrayList<>(pending);
        pending.clear();
        for (Member member : members) {
            member.flush();
        }
    }
}
