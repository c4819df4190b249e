package dev.parley.loadtest.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The local addresses connections are opened from, taken in turn. One (source, destination) pair
 * of addresses offers only the ephemeral port range (about 28,000 ports on Linux), so spreading
 * connections over several source addresses lifts that ceiling; on loopback every {@code 127.x.y.z}
 * is a local address.
 *
 * <p>Written as {@code auto} (eight loopback addresses when the server is on an IPv4 loopback
 * address, else the system's choice), {@code none} (the system's choice), or a comma-separated
 * list of addresses and ranges: {@code 127.0.0.1-127.0.0.16,127.0.1.1}.
 */
public final class SourceAddresses {
    /** Loopback source addresses {@code auto} uses: 8 × ~28,000 ports, far above any fd limit. */
    static final int AUTO_LOOPBACK_COUNT = 8;
    private static final int MAX_ADDRESSES = 65_536;

    private final List<InetAddress> addresses;
    private final AtomicLong next = new AtomicLong();

    private SourceAddresses(List<InetAddress> addresses) {
        this.addresses = List.copyOf(addresses);
    }

    /** Parses the option's text for a server at {@code target}. */
    public static SourceAddresses parse(String spec, InetAddress target) {
        String text = spec.trim();
        if (text.equalsIgnoreCase("none")) {
            return new SourceAddresses(List.of());
        }
        if (text.equalsIgnoreCase("auto")) {
            if (target instanceof Inet4Address && target.isLoopbackAddress()) {
                return parse("127.0.0.1-127.0.0." + AUTO_LOOPBACK_COUNT, target);
            }
            return new SourceAddresses(List.of());
        }
        List<InetAddress> addresses = new ArrayList<>();
        for (String part : text.split(",")) {
            String item = part.trim();
            if (item.isEmpty()) {
                continue;
            }
            int dash = item.indexOf('-');
            if (dash < 0) {
                addresses.add(literal(item));
            } else {
                addRange(addresses, literal(item.substring(0, dash).trim()), literal(item.substring(dash + 1).trim()));
            }
        }
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("no source address in '" + spec + "'");
        }
        return new SourceAddresses(addresses);
    }

    private static void addRange(List<InetAddress> into, InetAddress first, InetAddress last) {
        if (!(first instanceof Inet4Address) || !(last instanceof Inet4Address)) {
            throw new IllegalArgumentException("ranges are IPv4 only: " + first.getHostAddress() + "-" + last.getHostAddress());
        }
        long from = toLong(first);
        long to = toLong(last);
        if (to < from || to - from >= MAX_ADDRESSES) {
            throw new IllegalArgumentException("bad range " + first.getHostAddress() + "-" + last.getHostAddress());
        }
        for (long a = from; a <= to; a++) {
            into.add(fromLong(a));
        }
    }

    private static InetAddress literal(String text) {
        if (!text.matches("[0-9a-fA-F:.]+")) {
            throw new IllegalArgumentException("not an IP address: '" + text + "'");
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: '" + text + "'", e);
        }
    }

    private static long toLong(InetAddress address) {
        long value = 0;
        for (byte b : address.getAddress()) {
            value = (value << 8) | (b & 0xff);
        }
        return value;
    }

    private static InetAddress fromLong(long value) {
        byte[] bytes = {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The next local address to bind (port 0), or {@code null} to let the system choose. */
    public InetSocketAddress next() {
        if (addresses.isEmpty()) {
            return null;
        }
        int index = (int) (next.getAndIncrement() % addresses.size());
        return new InetSocketAddress(addresses.get(index), 0);
    }

    public List<InetAddress> addresses() {
        return addresses;
    }

    @Override
    public String toString() {
        if (addresses.isEmpty()) {
            return "system's choice";
        }
        if (addresses.size() == 1) {
            return addresses.get(0).getHostAddress();
        }
        return addresses.size() + " addresses " + addresses.get(0).getHostAddress() + " .. "
                + addresses.get(addresses.size() - 1).getHostAddress();
    }
}
