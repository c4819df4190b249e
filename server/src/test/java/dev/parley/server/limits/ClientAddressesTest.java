package dev.parley.server.limits;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.NetUtil;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientAddressesTest {

    private static InetAddress ip(String text) {
        return NetUtil.createInetAddressFromIpAddressString(text);
    }

    /** A channel whose peer is {@code peer}. */
    private static EmbeddedChannel from(String peer) {
        return new EmbeddedChannel() {
            @Override
            protected SocketAddress remoteAddress0() {
                return new InetSocketAddress(ip(peer), 40000);
            }
        };
    }

    private static HttpHeaders forwardedFor(String... values) {
        HttpHeaders headers = new DefaultHttpHeaders();
        for (String value : values) {
            headers.add("X-Forwarded-For", value);
        }
        return headers;
    }

    @Test
    void cidrBlocksMatchTheirAddressesOnly() {
        assertThat(Cidr.parse("10.0.0.0/8").contains(ip("10.200.3.4"))).isTrue();
        assertThat(Cidr.parse("10.0.0.0/8").contains(ip("11.0.0.1"))).isFalse();
        assertThat(Cidr.parse("192.168.1.128/25").contains(ip("192.168.1.200"))).isTrue();
        assertThat(Cidr.parse("192.168.1.128/25").contains(ip("192.168.1.100"))).isFalse();
        assertThat(Cidr.parse("127.0.0.1").contains(ip("127.0.0.1"))).isTrue();
        assertThat(Cidr.parse("127.0.0.1").contains(ip("127.0.0.2"))).isFalse();
        assertThat(Cidr.parse("10.0.0.0/8").contains(ip("::ffff:10.1.2.3"))).isTrue();
        assertThat(Cidr.parse("fd00::/8").contains(ip("fd12::1"))).isTrue();
        assertThat(Cidr.parse("fd00::/8").contains(ip("10.0.0.1"))).isFalse();
        assertThat(Cidr.parse("0.0.0.0/0").contains(ip("8.8.8.8"))).isTrue();
        for (String bad : List.of("", "10.0.0.0/33", "10.0.0/8", "example.com", "10.0.0.0/x", "::1/129")) {
            assertThatThrownBy(() -> Cidr.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void withoutTrustedProxiesThePeerIsTheClient() {
        ClientAddresses addresses = new ClientAddresses(List.of());
        assertThat(addresses.resolve(from("127.0.0.1"), forwardedFor("203.0.113.9"))).isEqualTo(ip("127.0.0.1"));
    }

    @Test
    void forwardedForIsWalkedFromTheRightWhileHopsAreTrusted() {
        ClientAddresses addresses = new ClientAddresses(List.of("10.0.0.0/8"));
        assertThat(addresses.resolve(from("10.0.0.5"), forwardedFor("203.0.113.9"))).isEqualTo(ip("203.0.113.9"));
        assertThat(addresses.resolve(from("10.0.0.5"), forwardedFor("198.51.100.1, 203.0.113.9, 10.0.0.7")))
                .as("spoofed entries left of the first untrusted hop are ignored").isEqualTo(ip("203.0.113.9"));
        assertThat(addresses.resolve(from("10.0.0.5"), forwardedFor("198.51.100.1", "203.0.113.9")))
                .as("several headers are one list").isEqualTo(ip("203.0.113.9"));
        assertThat(addresses.resolve(from("10.0.0.5"), forwardedFor("not-an-ip"))).isEqualTo(ip("10.0.0.5"));
        assertThat(addresses.resolve(from("10.0.0.5"), forwardedFor("[2001:db8::1]"))).isEqualTo(ip("2001:db8::1"));
        assertThat(addresses.resolve(from("203.0.113.50"), forwardedFor("198.51.100.1")))
                .as("an untrusted peer's header is ignored").isEqualTo(ip("203.0.113.50"));
    }

    @Test
    void theProxyProtocolSourceComesFirst() {
        ClientAddresses addresses = new ClientAddresses(List.of("10.0.0.0/8"));
        EmbeddedChannel channel = from("10.0.0.5");
        channel.attr(ClientAddresses.PROXIED).set(ip("203.0.113.77"));
        assertThat(addresses.resolve(channel, forwardedFor("198.51.100.1"))).isEqualTo(ip("203.0.113.77"));
    }
}
