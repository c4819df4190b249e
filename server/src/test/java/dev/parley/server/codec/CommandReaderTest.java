package dev.parley.server.codec;

import dev.parley.protocol.Command;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ProtocolException;
import dev.parley.protocol.RequestId;
import dev.parley.testing.NoLeaksExtension;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** A frame's command is read where its bytes lie: a direct buffer through the scratch array, a heap buffer's array at its offset. */
@ExtendWith(NoLeaksExtension.class)
class CommandReaderTest {
    private static final String SEND = "{\"type\":\"send\",\"id\":3,\"room\":\"r\",\"text\":\"%s\"}";

    @Test
    void readsFromADirectBufferAndGrowsTheScratchForALargeFrame() throws ProtocolException {
        for (String text : new String[] {"hi", "x".repeat(10_000), "again"}) {
            ByteBuf frame = PooledByteBufAllocator.DEFAULT.directBuffer();
            try {
                frame.writeCharSequence("  ", StandardCharsets.UTF_8);
                frame.skipBytes(2);
                ByteBufUtil.writeUtf8(frame, SEND.formatted(text));
                assertThat(CommandReader.read(frame)).isEqualTo(new Command.Send(RequestId.of(3), "r", text, null));
            } finally {
                frame.release();
            }
        }
    }

    @Test
    void readsAHeapBufferAtItsOffset() throws ProtocolException {
        byte[] bytes = ("garbage" + SEND.formatted("hé") + "trailing").getBytes(StandardCharsets.UTF_8);
        ByteBuf slice = Unpooled.wrappedBuffer(bytes).slice(7, bytes.length - 7 - 8);
        assertThat(slice.hasArray()).isTrue();
        assertThat(CommandReader.read(slice)).isEqualTo(new Command.Send(RequestId.of(3), "r", "hé", null));
    }

    @Test
    void aBadFrameIsRefusedWithTheProtocolsCode() {
        ByteBuf frame = Unpooled.directBuffer().writeBytes("{\"type\":\"send\",\"id\":4}".getBytes(StandardCharsets.UTF_8));
        try {
            ProtocolException refused = catchThrowableOfType(ProtocolException.class, () -> CommandReader.read(frame));
            assertThat(refused.code()).isEqualTo(ErrorCode.BAD_REQUEST);
            assertThat(refused.id()).isEqualTo(RequestId.of(4));
        } finally {
            frame.release();
        }
    }
}
