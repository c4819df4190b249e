package dev.parley.server.limits;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AttributeKey;
import io.netty.util.NetUtil;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds a connection's client address. It is the socket's peer, unless that peer is a trusted
 * proxy: then the PROXY protocol header's source address, and from there, for as long as the
 * address is trusted, the next {@code X-Forwarded-For} entry from the right. Entries a client
 * wrote itself (to the left of the first untrusted address) are never believed.
 */
public final class ClientAddresses {
    /** The source address a trusted proxy announced with the PROXY protocol. */
    public static final AttributeKey<InetAddress> PROXIED = AttributeKey.valueOf(ClientAddresses.class, "proxied");
    /** The client address, once a request has been read. */
    public static final AttributeKey<InetAddress> CLIENT = AttributeKey.valueOf(ClientAddresses.class, "client");

    private final List<Cidr> trusted;

    public ClientAddresses(List<String> trustedProxies) {
        this.trusted = trustedProxies.stream().map(Cidr::parse).toList();
    }

    /** Whether {@code address} is a trusted proxy. */
    public boolean trusts(InetAddress address) {
        for (Cidr cidr : trusted) {
            if (cidr.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the socket peer of {@code channel} is a trusted proxy. */
    public boolean trustsPeer(Channel channel) {
        return !trusted.isEmpty() && channel.remoteAddress() instanceof InetSocketAddress peer
                && peer.getAddress() != null && trusts(peer.getAddress());
    }

    /** The client address of a request on {@code channel} with {@code headers}. */
    public InetAddress resolve(Channel channel, HttpHeaders headers) {
        InetAddress address = channel.hasAttr(PROXIED) ? channel.attr(PROXIED).get() : null;
        if (address == null) {
            address = ((InetSocketAddress) channel.remoteAddress()).getAddress();
        }
        if (trusted.isEmpty() || !trusts(address)) {
            return address;
        }
        List<String> hops = forwardedFor(headers);
        for (int i = hops.size() - 1; i >= 0 && trusts(address); i--) {
            byte[] hop = NetUtil.createByteArrayFromIpAddressString(hops.get(i));
            if (hop == null) {
                break;
            }
            address = NetUtil.createInetAddressFromIpAddressString(hops.get(i));
        }
        return address;
    }

    private static List<String> forwardedFor(HttpHeaders headers) {
        List<String> hops = new ArrayList<>();
        for (String header : headers.getAll("X-Forwarded-For")) {
            for (String hop : header.split(",")) {
                String trimmed = hop.trim();
                if (trimmed.startsWith("[") && trimmed.endsWith("]")) {
                    trimmed = trimmed.substring(1, trimmed.length() - 1);
                }
                hops.add(trimmed);
            }
        }
        return hops;
    }
}
