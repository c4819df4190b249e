package dev.parley.microbench;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.parley.loadtest.net.EventReader;
import dev.parley.loadtest.run.Payload;
import dev.parley.protocol.Command;
import dev.parley.protocol.CommandDecoder;
import dev.parley.protocol.JsonBytes;
import dev.parley.protocol.ParleyJson;
import dev.parley.protocol.RequestId;
import dev.parley.protocol.ServerEvent;
import dev.parley.server.codec.CommandReader;
import dev.parley.server.codec.EventEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;

/**
 * The JSON of one stored chat message at both ends, as issue 16's durable run makes it: the server
 * decodes a {@code send} and encodes its {@code ack} and {@code message}; the harness writes the
 * {@code send} and reads the {@code message}. Each {@code generic*} method is the way before the
 * hot paths (Jackson's databind, streams over the buffers, a byte[] per frame), each {@code hot*}
 * the way the code goes now, side by side in one run. Frames arrive in direct pooled buffers, as
 * from the socket; encoded buffers are released in the method.
 *
 * <p>{@code java -jar microbench/target/benchmarks.jar Codec -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CodecBenchmark {
    private static final ObjectReader TREE_READER = ParleyJson.mapper().reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

    private final String text = Payload.text(System.nanoTime(), 100);
    private final ServerEvent.Message message = new ServerEvent.Message("durable-17", 123_456, 1_764_971_521_000L,
            "sender-17", text);
    private final ServerEvent.Ack ack = new ServerEvent.Ack(RequestId.of(1_764_971_520_987_654_321L), "durable-17",
            123_456L, 1_764_971_521_000L);
    private final Command.Send send = new Command.Send(RequestId.of(1_764_971_520_987_654_321L), "durable-17", text, null);
    private ByteBuf sendFrame;
    private ByteBuf messageFrame;

    @Setup(Level.Trial)
    public void frames() {
        sendFrame = direct(ParleyJson.write(send));
        messageFrame = direct(ParleyJson.write(message));
    }

    @TearDown(Level.Trial)
    public void release() {
        sendFrame.release();
        messageFrame.release();
    }

    private static ByteBuf direct(String json) {
        ByteBuf buf = ALLOC.directBuffer();
        ByteBufUtil.writeUtf8(buf, json);
        return buf;
    }

    @Benchmark
    public int serverEncodeMessageGeneric() {
        return released(genericEncode(message));
    }

    @Benchmark
    public int serverEncodeMessageHot() {
        return released(EventEncoder.encode(ALLOC, message));
    }

    @Benchmark
    public int serverEncodeAckGeneric() {
        return released(genericEncode(ack));
    }

    @Benchmark
    public int serverEncodeAckHot() {
        return released(EventEncoder.encode(ALLOC, ack));
    }

    @Benchmark
    public Command serverDecodeSendGeneric() throws Exception {
        return CommandDecoder.decode(TREE_READER.readTree((InputStream) new ByteBufInputStream(sendFrame.duplicate())));
    }

    @Benchmark
    public Command serverDecodeSendHot() throws Exception {
        return CommandReader.read(sendFrame);
    }

    @Benchmark
    public ServerEvent harnessReadMessageGeneric() throws IOException {
        byte[] bytes = ByteBufUtil.getBytes(messageFrame);
        return EventReader.read(bytes, 0, bytes.length);
    }

    @Benchmark
    public ServerEvent harnessReadMessageHot() throws IOException {
        return EventReader.read(messageFrame);
    }

    @Benchmark
    public int harnessWriteSendGeneric() {
        return released(ByteBufUtil.writeUtf8(ALLOC, ParleyJson.write(send)));
    }

    @Benchmark
    public int harnessWriteSendHot() {
        JsonBytes json = JsonBytes.ofThisThread();
        ParleyJson.write(send, json);
        return released(ALLOC.buffer(json.size()).writeBytes(json.array(), 0, json.size()));
    }

    /** The server's encoding before the hot path: Jackson's writer into a stream over a pooled buffer. */
    private static ByteBuf genericEncode(ServerEvent event) {
        ByteBuf buf = ALLOC.buffer();
        ParleyJson.write(event, new ByteBufOutputStream(buf));
        return buf;
    }

    private static int released(ByteBuf buf) {
        int length = buf.readableBytes();
        buf.release();
        return length;
    }
}
