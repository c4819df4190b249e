package dev.parley.server.transport;

import dev.parley.protocol.CloseCode;
import dev.parley.protocol.ServerEvent;
import dev.parley.server.codec.EventEncoder;
import dev.parley.server.metrics.ServerMetrics;
import dev.parley.server.session.Transport;
import dev.parley.server.codec.EncodedEvent;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundInvoker;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.PromiseCombiner;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A session's {@link Transport} on a Netty channel. Replies become text frames, flushed at once,
 * or together at the end of the read they answer (so a client that sends many commands in one
 * read costs one flush; this is what a {@code FlushConsolidationHandler} would do, without a
 * handler per connection). Fan-out events arrive encoded once for every recipient: a connection
 * without compression gets the ready-made frame bytes, which pass the WebSocket encoder untouched.
 */
final class ChannelTransport implements Transport {
    private final Channel channel;
    private final ServerMetrics metrics;
    private final long closeTimeoutMs;
    private Boolean compressed;
    /** Set on the first uncompressed fan-out write: see {@link #frameWriter()}. */
    private ChannelOutboundInvoker frameWriter;
    /** Inside a read of the client's frames: replies wait for its end to be flushed. */
    private boolean reading;
    private boolean unflushed;

    ChannelTransport(Channel channel, ServerMetrics metrics, long closeTimeoutMs) {
        this.channel = channel;
        this.metrics = metrics;
        this.closeTimeoutMs = closeTimeoutMs;
    }

    @Override
    public EventExecutor executor() {
        return channel.eventLoop();
    }

    @Override
    public void send(ServerEvent event) {
        if (open()) {
            metrics.frameOut();
            TextWebSocketFrame frame = new TextWebSocketFrame(EventEncoder.encode(channel.alloc(), event));
            if (reading) {
                channel.write(frame, channel.voidPromise());
                unflushed = true;
            } else {
                channel.writeAndFlush(frame, channel.voidPromise());
            }
        }
    }

    @Override
    public CompletableFuture<Boolean> sendConfirmed(List<ServerEvent> events) {
        if (!open() || events.isEmpty()) {
            return CompletableFuture.completedFuture(events.isEmpty());
        }
        CompletableFuture<Boolean> taken = new CompletableFuture<>();
        PromiseCombiner all = new PromiseCombiner(channel.eventLoop());
        for (ServerEvent event : events) {
            metrics.frameOut();
            all.add(channel.write(new TextWebSocketFrame(EventEncoder.encode(channel.alloc(), event))));
        }
        channel.flush();
        Promise<Void> done = channel.eventLoop().newPromise();
        done.addListener(future -> taken.complete(future.isSuccess()));
        all.finish(done);
        return taken;
    }

    @Override
    public void write(EncodedEvent event) {
        if (open()) {
            if (compressed()) {
                channel.write(new TextWebSocketFrame(event.json().retainedDuplicate()), channel.voidPromise());
            } else {
                frameWriter().write(event.frame().retainedDuplicate(), channel.voidPromise());
            }
        }
    }

    @Override
    public void flush() {
        (frameWriter == null ? channel : frameWriter).flush();
    }

    /**
     * Where finished frame bytes enter the pipeline: at the WebSocket encoder's context, so they
     * skip the handlers after it, which would only pass them on (as the encoder itself would).
     * At moderate load each delivery is a write and a flush of its own, on a connection whose
     * state has left the cache meanwhile: each handler skipped is memory not read. Replies still
     * take the whole pipeline; both end in the same outbound buffer, in the order written.
     */
    private ChannelOutboundInvoker frameWriter() {
        if (frameWriter == null) {
            ChannelHandlerContext encoder = channel.pipeline().context(WebSocketFrameEncoder.class);
            frameWriter = encoder == null ? channel : encoder;
        }
        return frameWriter;
    }

    /** A read of the client's frames has begun. */
    void readStarted() {
        reading = true;
    }

    /** The read has ended: flushes the replies it caused. */
    void readComplete() {
        reading = false;
        if (unflushed) {
            unflushed = false;
            channel.flush();
        }
    }

    private boolean open() {
        return channel.isActive() && !ClosingHandshake.started(channel);
    }

    /**
     * Whether an extension (permessage-deflate) was negotiated: its encoder must see frames, not
     * finished bytes.
     * Asked on the first fan-out write, when the handshake has long been complete.
     */
    private boolean compressed() {
        if (compressed == null) {
            compressed = channel.pipeline().get(WebSocketExtensionEncoder.class) != null;
        }
        return compressed;
    }

    @Override
    public void close(CloseCode code) {
        ClosingHandshake.start(channel, code, closeTimeoutMs);
    }
}
