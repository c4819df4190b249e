package dev.parley.server.transport;

import dev.parley.server.config.ServerConfig.TransportType;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;

/** The Netty transport that carries the sockets: what its event loops poll with, and its listening channel. */
public record IoTransport(String name, IoHandlerFactory ioHandler, Class<? extends ServerChannel> serverChannel) {

    /** The transport {@code type} names; fails when its native library does not load here. */
    public static IoTransport of(TransportType type) {
        return switch (type) {
            case EPOLL -> {
                Epoll.ensureAvailability();
                yield epoll();
            }
            case IO_URING -> {
                IoUring.ensureAvailability();
                yield new IoTransport("io_uring", IoUringIoHandler.newFactory(), IoUringServerSocketChannel.class);
            }
            case NIO -> nio();
            case AUTO -> Epoll.isAvailable() ? epoll() : nio();
        };
    }

    private static IoTransport epoll() {
        return new IoTransport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class);
    }

    private static IoTransport nio() {
        return new IoTransport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class);
    }
}
