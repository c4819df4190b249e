package dev.parley.server.codec;

import dev.parley.protocol.JsonBytes;
import dev.parley.protocol.ParleyJson;
import dev.parley.protocol.ServerEvent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Encodes server events as UTF-8 JSON into pooled buffers: written into the thread's
 * {@link JsonBytes} (the hot events field by field) and copied into a buffer of exactly their size.
 */
public final class EventEncoder {
    private EventEncoder() {
    }

    /** A new buffer holding {@code event}; the caller owns it. */
    public static ByteBuf encode(ByteBufAllocator alloc, ServerEvent event) {
        JsonBytes json = JsonBytes.ofThisThread();
        ParleyJson.write(event, json);
        return alloc.buffer(json.size()).writeBytes(json.array(), 0, json.size());
    }
}
