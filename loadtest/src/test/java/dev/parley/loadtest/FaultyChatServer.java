package dev.parley.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.protocol.Limits;
import dev.parley.protocol.ParleyJson;
import dev.parley.protocol.RequestId;
import dev.parley.protocol.ServerEvent;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A tiny chat server that speaks just enough of the protocol ({@code hello}, {@code join},
 * {@code send}, {@code ping}) for the harness, and breaks the delivery contract on purpose:
 * the first member of each room never receives offset {@value #DROPPED}; the second receives
 * {@value #DUPLICATED} twice; the third receives {@value #REORDERED} after
 * {@value #REORDERED} + 1. It may also hold each {@code ack} back for a while after delivering
 * the message. Everything runs on one event loop, so it needs no locks.
 */
final class FaultyChatServer implements AutoCloseable {
    static final long DROPPED = 3;
    static final long DUPLICATED = 5;
    static final long REORDERED = 7;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Map<String, Room> rooms = new HashMap<>();
    private final Channel server;
    private final long ackDelayMs;

    /** One room: its members in join order and its last offset. */
    private static final class Room {
        final List<Channel> members = new ArrayList<>();
        long offset;
        String held;
    }

    FaultyChatServer() {
        this(0);
    }

    /** A server that sends each {@code ack} {@code ackDelayMs} after the message's deliveries. */
    FaultyChatServer(long ackDelayMs) {
        this.ackDelayMs = ackDelayMs;
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192),
                                new WebSocketServerProtocolHandler("/ws", "parley.v1"), new Handler());
                    }
                })
                .bind("127.0.0.1", 0).syncUninterruptibly().channel();
    }

    URI webSocketUri() {
        return URI.create("ws://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort() + "/ws");
    }

    private final class Handler extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        private String nick;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) throws IOException {
            JsonNode command = ParleyJson.mapper().readTree(frame.text());
            RequestId id = command.has("id") ? (command.get("id").isNumber() ? RequestId.of(command.get("id").asLong())
                    : RequestId.of(command.get("id").asText())) : null;
            switch (command.path("type").asText()) {
                case "hello" -> {
                    nick = command.path("nick").asText();
                    send(ctx.channel(), new ServerEvent.Welcome(id, "s-" + nick, nick, "secret", 25_000, 60_000,
                            new Limits(65_536, 4_000, 50, 1_000, 1_000, 1_000, 1_000, 1), "faulty/1"));
                }
                case "join" -> {
                    Room room = rooms.computeIfAbsent(command.path("room").asText(), r -> new Room());
                    room.members.add(ctx.channel());
                    send(ctx.channel(), new ServerEvent.Joined(id, command.path("room").asText(), "e-1", room.offset,
                            List.of(), room.members.size(), false, List.of(), null));
                }
                case "send" -> publish(ctx.channel(), id, command.path("room").asText(), command.path("text").asText());
                case "ping" -> send(ctx.channel(), new ServerEvent.Pong(id, System.currentTimeMillis()));
                default -> { }
            }
        }

        private void publish(Channel sender, RequestId id, String roomName, String text) {
            Room room = rooms.get(roomName);
            long offset = ++room.offset;
            long ts = System.currentTimeMillis();
            ServerEvent.Ack ack = new ServerEvent.Ack(id, roomName, offset, ts);
            if (ackDelayMs > 0) {
                sender.eventLoop().schedule(() -> send(sender, ack), ackDelayMs, TimeUnit.MILLISECONDS);
            } else {
                send(sender, ack);
            }
            String message = ParleyJson.write(new ServerEvent.Message(roomName, offset, ts, nick, text));
            for (int i = 0; i < room.members.size(); i++) {
                Channel member = room.members.get(i);
                if (i == 0 && offset == DROPPED) {
                    continue;
                }
                if (i == 2 && offset == REORDERED) {
                    room.held = message;
                    continue;
                }
                member.writeAndFlush(new TextWebSocketFrame(message));
                if (i == 1 && offset == DUPLICATED) {
                    member.writeAndFlush(new TextWebSocketFrame(message));
                }
                if (i == 2 && offset == REORDERED + 1) {
                    member.writeAndFlush(new TextWebSocketFrame(room.held));
                }
            }
        }

        private void send(Channel channel, ServerEvent event) {
            channel.writeAndFlush(new TextWebSocketFrame(ParleyJson.write(event)));
        }
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
