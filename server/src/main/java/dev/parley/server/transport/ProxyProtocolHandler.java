package dev.parley.server.transport;

import dev.parley.server.limits.ClientAddresses;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.ProtocolDetectionState;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.util.NetUtil;

import java.util.List;

/**
 * First in the pipeline of a connection from a trusted proxy: when the connection starts with a
 * PROXY protocol header (version 1 or 2), Netty's {@link HAProxyMessageDecoder} reads it and the
 * source address it announces becomes the connection's {@link ClientAddresses#PROXIED} address.
 * A connection without the header passes untouched. Connections from other peers never get this
 * handler, so nobody else can claim an address.
 */
final class ProxyProtocolHandler extends ByteToMessageDecoder {

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        ProtocolDetectionState state = HAProxyMessageDecoder.detectProtocol(in).state();
        if (state == ProtocolDetectionState.NEEDS_MORE_DATA) {
            return;
        }
        if (state == ProtocolDetectionState.DETECTED) {
            ctx.pipeline().addAfter(ctx.name(), "proxy-source", new SourceReader())
                    .addAfter(ctx.name(), "proxy-decoder", new HAProxyMessageDecoder());
        }
        ctx.pipeline().remove(this);
    }

    /** Takes the source address out of the decoded header, then steps aside. */
    private static final class SourceReader extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof HAProxyMessage header)) {
                ctx.fireChannelRead(msg);
                return;
            }
            try {
                if (header.command() == HAProxyCommand.PROXY && header.sourceAddress() != null) {
                    ctx.channel().attr(ClientAddresses.PROXIED)
                            .set(NetUtil.createInetAddressFromIpAddressString(header.sourceAddress()));
                }
            } finally {
                header.release();
                ctx.pipeline().remove(this);
            }
        }
    }
}
