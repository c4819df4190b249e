package dev.parley.testing;

import io.netty.util.ResourceLeakDetector;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link ResourceLeakDetector} that also records every leak it reports, so that
 * {@link NoLeaksExtension} can fail the test that caused it. Installed for every test JVM with
 * {@code -Dio.netty.customResourceLeakDetector=dev.parley.testing.RecordingLeakDetector}.
 */
public final class RecordingLeakDetector<T> extends ResourceLeakDetector<T> {
    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
    }

    /** Netty's factory also looks this obsolete constructor up, and logs an error when it is missing. */
    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
        this(resourceType, samplingInterval);
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        LEAKS.add(resourceType + records);
        super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        LEAKS.add(resourceType);
        super.reportUntracedLeak(resourceType);
    }

    /** Returns the leaks reported since the last call and forgets them. */
    static List<String> drain() {
        List<String> leaks = List.copyOf(LEAKS);
        LEAKS.removeAll(leaks);
        return leaks;
    }
}
