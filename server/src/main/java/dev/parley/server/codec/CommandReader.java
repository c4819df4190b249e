package dev.parley.server.codec;

import dev.parley.protocol.Command;
import dev.parley.protocol.CommandDecoder;
import dev.parley.protocol.FrameBytes;
import dev.parley.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;

/** Decodes a frame's command from its bytes where they lie ({@link FrameBytes}): no stream around the buffer. */
public final class CommandReader {
    private CommandReader() {
    }

    /** The command in {@code content}'s readable bytes; borrows the buffer. */
    public static Command read(ByteBuf content) throws ProtocolException {
        return FrameBytes.parse(content.nioBuffer(), CommandDecoder::decode);
    }
}
