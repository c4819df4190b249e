package dev.parley.server.codec;

import dev.parley.protocol.ParleyJson;
import dev.parley.protocol.ServerEvent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;

/** Encodes server events as UTF-8 JSON straight into pooled buffers. */
public final class EventEncoder {
    private EventEncoder() {
    }

    /** A new buffer holding {@code event}; the caller owns it. */
    public static ByteBuf encode(ByteBufAllocator alloc, ServerEvent event) {
        ByteBuf buf = alloc.buffer();
        try {
            ParleyJson.write(event, new ByteBufOutputStream(buf));
            return buf;
        } catch (RuntimeException e) {
            buf.release();
            throw e;
        }
    }
}
