package dev.parley.server.hooks;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.util.ArrayDeque;

/**
 * The keep-alive connections of a {@link HookClient} to one backend origin, each carrying one
 * request at a time. A request takes an idle connection, or waits for one; a new connection is
 * opened only for a waiting request and at most {@code maxConnecting} at once, so that a burst of
 * requests (a cold node's first second under load) waits a few milliseconds for the connections
 * already open instead of opening one each: hundreds of simultaneous connects to one backend took
 * seconds to settle, longer than the hook's timeout. Everything runs on the client's one event loop.
 */
final class HookConnections {
    private final Bootstrap bootstrap;
    private final EventLoop loop;
    private final int maxConnecting;
    /** Most recently used last, so that few connections stay busy and the others may time out. */
    private final ArrayDeque<Channel> idle = new ArrayDeque<>();
    private final ArrayDeque<Promise<Channel>> waiting = new ArrayDeque<>();
    /** Changed on the loop only; volatile for {@link #connecting()}. */
    private volatile int connecting;
    private boolean closed;

    /** Connects with {@code bootstrap} (its remote address and handler set), on {@code loop}. */
    HookConnections(Bootstrap bootstrap, EventLoop loop, int maxConnecting) {
        this.bootstrap = bootstrap;
        this.loop = loop;
        this.maxConnecting = maxConnecting;
    }

    /** A connection for one request; give it back with {@link #release}. Fails when connecting fails. */
    Future<Channel> acquire() {
        Promise<Channel> promise = loop.newPromise();
        onLoop(() -> {
            if (closed) {
                promise.tryFailure(new HookFailure("the hook client is closed"));
                return;
            }
            Channel channel;
            while ((channel = idle.pollLast()) != null) {
                if (channel.isActive()) {
                    promise.trySuccess(channel);
                    return;
                }
            }
            waiting.add(promise);
            connectForWaiting();
        });
        return promise;
    }

    /** Takes back a connection after its request: the next waiting request's, or idle; closed unless still usable. */
    void release(Channel channel) {
        onLoop(() -> {
            if (channel.isActive() && !closed) {
                offer(channel);
            } else {
                channel.close();
                connectForWaiting();
            }
        });
    }

    /** Opens up to {@code count} connections ahead of the first requests; completes when each is open or failed. */
    Future<Void> open(int count) {
        Promise<Void> opened = loop.newPromise();
        if (count <= 0) {
            return opened.setSuccess(null);
        }
        onLoop(() -> {
            int[] left = {count};
            for (int i = 0; i < count; i++) {
                connect().addListener(connected -> {
                    if (--left[0] == 0) {
                        opened.trySuccess(null);
                    }
                });
            }
        });
        return opened;
    }

    /** Connections being opened now. */
    int connecting() {
        return connecting;
    }

    void close() {
        onLoop(() -> {
            closed = true;
            idle.forEach(Channel::close);
            idle.clear();
            HookFailure failure = new HookFailure("the hook client is closed");
            waiting.forEach(promise -> promise.tryFailure(failure));
            waiting.clear();
        });
    }

    /** Opens connections for the requests that wait, as many as may be opening at once. */
    private void connectForWaiting() {
        while (!closed && connecting < maxConnecting && connecting < waiting.size()) {
            connect().addListener(connected -> {
                if (!connected.isSuccess()) {
                    // the oldest waiting request gets the failure (as if it had connected itself)
                    Promise<Channel> first = waiting.pollFirst();
                    if (first != null) {
                        first.tryFailure(connected.cause());
                    }
                }
                connectForWaiting();
            });
        }
    }

    /** Opens one connection, counted while it opens; once open it goes to the oldest waiting request, or idle. */
    private ChannelFuture connect() {
        connecting++;
        return bootstrap.connect().addListener((ChannelFuture connected) -> {
            connecting--;
            if (connected.isSuccess()) {
                offer(connected.channel());
            }
        });
    }

    /** Gives an open connection to the oldest waiting request, or keeps it idle. */
    private void offer(Channel channel) {
        Promise<Channel> next;
        while ((next = waiting.pollFirst()) != null) {
            if (next.trySuccess(channel)) {
                return;
            }
        }
        if (closed) {
            channel.close();
        } else {
            idle.add(channel);
        }
    }

    private void onLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }
}
