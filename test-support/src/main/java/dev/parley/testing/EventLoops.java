package dev.parley.testing;

import io.netty.util.concurrent.AbstractScheduledEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;

import java.lang.reflect.Field;
import java.util.Collection;

/** What tests look for on Netty event loops. */
public final class EventLoops {
    private EventLoops() {
    }

    /** The timers scheduled on {@code group}'s executors and not yet run or cancelled. */
    public static int scheduledTasks(EventExecutorGroup group) {
        try {
            Field queue = AbstractScheduledEventExecutor.class.getDeclaredField("scheduledTaskQueue");
            queue.setAccessible(true);
            int tasks = 0;
            for (EventExecutor executor : group) {
                Collection<?> scheduled = (Collection<?>) queue.get(executor);
                tasks += scheduled == null ? 0 : scheduled.size();
            }
            return tasks;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Netty's scheduled-task queue is not where it used to be", e);
        }
    }
}
