package dev.parley.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fails a test class when Netty reported a buffer leak while it ran. Registered for every test
 * class through JUnit's extension auto-detection (see {@code junit-platform.properties}).
 *
 * <p>Netty reports a leak only when a leaked buffer has been garbage-collected and a later
 * allocation polls the detector's queue, so the check collects garbage and allocates a few times
 * before it looks.
 */
public final class NoLeaksExtension implements AfterAllCallback {
    private static final int GC_ROUNDS = 3;

    @Override
    public void afterAll(ExtensionContext context) {
        for (int i = 0; i < GC_ROUNDS; i++) {
            System.gc();
            release(PooledByteBufAllocator.DEFAULT.directBuffer(16));
            release(PooledByteBufAllocator.DEFAULT.heapBuffer(16));
            release(UnpooledByteBufAllocator.DEFAULT.directBuffer(16));
            release(UnpooledByteBufAllocator.DEFAULT.heapBuffer(16));
        }
        List<String> leaks = RecordingLeakDetector.drain();
        assertThat(leaks).as("Netty buffer leaks reported during " + context.getDisplayName()).isEmpty();
    }

    private static void release(ByteBuf buf) {
        buf.release();
    }
}
