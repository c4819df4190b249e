package dev.parley.server.codec;

import dev.parley.protocol.Command;
import dev.parley.protocol.CommandDecoder;
import dev.parley.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * Decodes a frame's command from its bytes where they lie: the buffer's own array when it has one,
 * otherwise a copy in the thread's scratch array, made once per thread and grown to its largest
 * frame. No stream around the buffer: Jackson's parser reads an array fastest.
 */
public final class CommandReader {
    private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[4096];
        }
    };

    private CommandReader() {
    }

    /** The command in {@code content}'s readable bytes; borrows the buffer. */
    public static Command read(ByteBuf content) throws ProtocolException {
        int length = content.readableBytes();
        if (content.hasArray()) {
            return CommandDecoder.decode(content.array(), content.arrayOffset() + content.readerIndex(), length);
        }
        byte[] scratch = SCRATCH.get();
        if (scratch.length < length) {
            scratch = new byte[Math.max(length, scratch.length * 2)];
            SCRATCH.set(scratch);
        }
        content.getBytes(content.readerIndex(), scratch, 0, length);
        return CommandDecoder.decode(scratch, 0, length);
    }
}
