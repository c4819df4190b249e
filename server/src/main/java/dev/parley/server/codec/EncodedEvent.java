package dev.parley.server.codec;

import dev.parley.protocol.ServerEvent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * One server event encoded once for all its recipients: its JSON, and the whole WebSocket text
 * frame around it, ready for the socket. Server frames are unmasked, so the frame is the same
 * bytes for every recipient that did not negotiate compression; those that did get a frame of the
 * JSON, which their own deflater compresses.
 *
 * <p>The two buffers are owned, retained and released together.
 */
public final class EncodedEvent {
    private static final int FIN_TEXT = 0x81;
    private static final int LENGTH_16_BITS = 126;
    private static final int LENGTH_64_BITS = 127;

    private final ByteBuf json;
    private final ByteBuf frame;

    private EncodedEvent(ByteBuf json, ByteBuf frame) {
        this.json = json;
        this.frame = frame;
    }

    /** Encodes {@code event}; the caller owns the result. */
    public static EncodedEvent encode(ByteBufAllocator alloc, ServerEvent event) {
        ByteBuf json = EventEncoder.encode(alloc, event);
        int length = json.readableBytes();
        ByteBuf frame = alloc.buffer(length + 10);
        frame.writeByte(FIN_TEXT);
        if (length < LENGTH_16_BITS) {
            frame.writeByte(length);
        } else if (length <= 0xFFFF) {
            frame.writeByte(LENGTH_16_BITS).writeShort(length);
        } else {
            frame.writeByte(LENGTH_64_BITS).writeLong(length);
        }
        frame.writeBytes(json, json.readerIndex(), length);
        return new EncodedEvent(json, frame);
    }

    /** The event's JSON; borrowed. */
    public ByteBuf json() {
        return json;
    }

    /** The event as one uncompressed WebSocket text frame, header included; borrowed. */
    public ByteBuf frame() {
        return frame;
    }

    /** A view that shares the bytes and holds its own references; the caller owns it. */
    public EncodedEvent retainedDuplicate() {
        return new EncodedEvent(json.retainedDuplicate(), frame.retainedDuplicate());
    }

    public void release() {
        json.release();
        frame.release();
    }
}
