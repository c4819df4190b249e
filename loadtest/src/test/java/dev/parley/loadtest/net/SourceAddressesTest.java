package dev.parley.loadtest.net;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SourceAddressesTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void autoSpreadsOverLoopbackAddressesForALoopbackServer() throws Exception {
        SourceAddresses auto = SourceAddresses.parse("auto", InetAddress.getByName("127.0.0.1"));
        assertThat(auto.addresses()).hasSize(SourceAddresses.AUTO_LOOPBACK_COUNT);
        assertThat(auto.next().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(auto.next().getAddress().getHostAddress()).isEqualTo("127.0.0.2");
        assertThat(auto.next().getPort()).isZero();
    }

    @Test
    void autoAndNoneLeaveOtherServersToTheSystem() throws Exception {
        assertThat(SourceAddresses.parse("auto", InetAddress.getByName("10.1.2.3")).next()).isNull();
        assertThat(SourceAddresses.parse("none", LOOPBACK).next()).isNull();
    }

    @Test
    void listsAndRangesAreTakenInTurn() {
        SourceAddresses list = SourceAddresses.parse("127.0.0.254-127.0.1.1, 127.0.2.1", LOOPBACK);
        assertThat(list.addresses()).extracting(InetAddress::getHostAddress)
                .containsExactly("127.0.0.254", "127.0.0.255", "127.0.1.0", "127.0.1.1", "127.0.2.1");
        for (int i = 0; i < 5; i++) {
            list.next();
        }
        assertThat(list.next().getAddress().getHostAddress()).isEqualTo("127.0.0.254");
    }

    @Test
    void rejectsWhatIsNotAnAddress() {
        assertThatThrownBy(() -> SourceAddresses.parse("localhost", LOOPBACK)).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> SourceAddresses.parse("127.0.0.9-127.0.0.1", LOOPBACK)).hasMessageContaining("bad range");
        assertThatThrownBy(() -> SourceAddresses.parse(" , ", LOOPBACK)).hasMessageContaining("no source address");
    }
}
