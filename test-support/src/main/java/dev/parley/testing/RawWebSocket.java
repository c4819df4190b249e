package dev.parley.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client written frame by frame on a plain socket, for the tests a well-behaved
 * library cannot do: invalid UTF-8, hand-made fragments, oversized frames, a client that stops
 * reading or never answers a close. Blocking and single-threaded; every read has a timeout.
 */
public final class RawWebSocket implements AutoCloseable {
    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CONTINUATION = 0x0;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    public static final int PONG = 0xA;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    /** One frame as received. */
    public record Frame(int opcode, boolean fin, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The status code of a close frame, or 1005 when it has none. */
        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
        }
    }

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Opens a TCP connection and performs the WebSocket handshake on {@code path}. */
    public static RawWebSocket connect(InetSocketAddress address, String path) throws IOException {
        return connect(address, path, 0);
    }

    /** As {@link #connect(InetSocketAddress, String)}, with a small receive buffer when {@code receiveBuffer > 0}. */
    public static RawWebSocket connect(InetSocketAddress address, String path, int receiveBuffer) throws IOException {
        return connect(address, path, receiveBuffer, "");
    }

    /**
     * As {@link #connect(InetSocketAddress, String, int)}, with {@code extraHeaders} (each line
     * ending in CRLF) added to the upgrade request, such as an extension offer.
     */
    public static RawWebSocket connect(InetSocketAddress address, String path, int receiveBuffer, String extraHeaders)
            throws IOException {
        return connect(address, path, receiveBuffer, extraHeaders, new byte[0]);
    }

    /**
     * Connects and sends {@code text} as a frame in the same write as the upgrade request, before
     * the 101 has arrived, as an impatient client does.
     */
    public static RawWebSocket connectSendingAtOnce(InetSocketAddress address, String path, String text)
            throws IOException {
        return connect(address, path, 0, "", frame(TEXT, true, false, text.getBytes(StandardCharsets.UTF_8)));
    }

    private static RawWebSocket connect(InetSocketAddress address, String path, int receiveBuffer, String extraHeaders,
                                        byte[] behindTheRequest) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(address, (int) TestSocket.TIMEOUT.toMillis());
        socket.setSoTimeout((int) TestSocket.TIMEOUT.toMillis());
        RawWebSocket ws = new RawWebSocket(socket);
        ws.handshake(address, path, extraHeaders, behindTheRequest);
        return ws;
    }

    /** Opens a TCP connection and does nothing else. */
    public static Socket connectTcp(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        socket.connect(address, (int) TestSocket.TIMEOUT.toMillis());
        socket.setSoTimeout((int) TestSocket.TIMEOUT.toMillis());
        return socket;
    }

    private void handshake(InetSocketAddress address, String path, String extraHeaders, byte[] behindTheRequest)
            throws IOException {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String request = "GET " + path + " HTTP/1.1\r\n"
                + "Host: " + address.getHostString() + ":" + address.getPort() + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(request.getBytes(StandardCharsets.US_ASCII));
        bytes.write(behindTheRequest);
        out.write(bytes.toByteArray());
        out.flush();
        String head = readHead(in);
        if (!head.startsWith("HTTP/1.1 101")) {
            throw new IOException("handshake refused: " + head);
        }
    }

    /** Reads an HTTP response head up to the blank line. */
    public static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed in the HTTP head: " + head);
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    public void sendText(String text) throws IOException {
        send(TEXT, true, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends one masked frame as a client must. */
    public void send(int opcode, boolean fin, byte[] payload) throws IOException {
        send(opcode, fin, false, payload);
    }

    /** Sends one masked frame; {@code rsv1} marks a compressed message (permessage-deflate). */
    public void send(int opcode, boolean fin, boolean rsv1, byte[] payload) throws IOException {
        out.write(frame(opcode, fin, rsv1, payload));
        out.flush();
    }

    /** One masked frame, as a client must send it. */
    private static byte[] frame(int opcode, boolean fin, boolean rsv1, byte[] payload) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift));
            }
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.write(mask, 0, 4);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i & 3]);
        }
        return frame.toByteArray();
    }

    /** Sends a close frame with {@code code}. */
    public void sendClose(int code) throws IOException {
        send(CLOSE, true, new byte[] {(byte) (code >>> 8), (byte) code});
    }

    /** Reads the next frame, waiting at most the socket timeout. */
    public Frame read() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long length = b1 & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[Math.toIntExact(length)];
        in.readFully(payload);
        return new Frame(b0 & 0x0F, (b0 & 0x80) != 0, payload);
    }

    /** Reads frames until one with {@code opcode} arrives. */
    public Frame readUntil(int opcode) throws IOException {
        while (true) {
            Frame frame = read();
            if (frame.opcode() == opcode) {
                return frame;
            }
        }
    }

    /** Reads the next text frame, skipping pings. */
    public String readText() throws IOException {
        return readUntil(TEXT).text();
    }

    /** Whether the server has closed the TCP connection: reads until end of stream or timeout. */
    public boolean awaitEndOfStream() throws IOException {
        try {
            while (in.read() >= 0) {
                // drain whatever is still in flight
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    public Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
