package dev.parley.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP proxy on a loopback port in front of a server, whose connections a test can cut: the way
 * to make a real client lose its connection mid-conversation, as a network or a dying node would.
 * One thread per direction per connection; tests only.
 */
public final class TcpProxy implements AutoCloseable {
    private final InetSocketAddress target;
    private final ServerSocket listener;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    /** Whether bytes towards the server, and towards the client, are dropped until the next {@link #cutAll}. */
    private volatile boolean holdingToServer;
    private volatile boolean holdingToClient;
    /** Bytes towards the server after which their connection's next bytes are the last, once; null when not armed. */
    private final AtomicReference<byte[]> cutAfter = new AtomicReference<>();

    private TcpProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::accept, "tcp-proxy-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Starts a proxy to {@code target}. */
    public static TcpProxy to(InetSocketAddress target) {
        try {
            return new TcpProxy(target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** {@code uri} with its host and port replaced by this proxy's. */
    public URI rewrite(URI uri) {
        return URI.create(uri.getScheme() + "://127.0.0.1:" + port() + uri.getRawPath()
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(target.getAddress(), target.getPort());
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(server);
                pump(client, server, true);
                pump(server, client, false);
            } catch (IOException e) {
                if (!listener.isClosed()) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    private void pump(Socket from, Socket to, boolean toServer) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16384];
            // the end of the previous read, so that a marker split between two reads is found
            byte[] seen = new byte[0];
            boolean marked = false;
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (!(toServer ? holdingToServer : holdingToClient)) {
                        out.write(buffer, 0, n);
                    }
                    if (marked) {
                        out.flush();
                        break;
                    }
                    byte[] marker = toServer ? cutAfter.get() : null;
                    if (marker != null) {
                        byte[] window = Arrays.copyOf(seen, seen.length + n);
                        System.arraycopy(buffer, 0, window, seen.length, n);
                        marked = contains(window, window.length, marker) && cutAfter.compareAndSet(marker, null);
                        seen = Arrays.copyOfRange(window, Math.max(0, window.length - marker.length + 1), window.length);
                    }
                }
            } catch (IOException e) {
                // cut or closed: the other direction ends too
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "tcp-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Cuts the next connection whose client sends {@code marker} (in one read or across two) right after
     * passing on what the client sends next, once: the request after the marked one reaches the
     * server, its answer never reaches the client. For a client that waits for each answer before
     * its next request, as a JDBC driver does before it sends the {@code COMMIT} after an insert.
     */
    public void cutAfterNextToServer(String marker) {
        cutAfter.set(marker.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean contains(byte[] buffer, int length, byte[] marker) {
        for (int start = 0; start + marker.length <= length; start++) {
            if (Arrays.equals(buffer, start, start + marker.length, marker, 0, marker.length)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Drops whatever the clients send from now on, until {@link #cutAll}: what a client sends
     * just before its connection is lost never reaches the server.
     */
    public void holdToServer() {
        holdingToServer = true;
    }

    /**
     * Drops whatever the server sends from now on, until {@link #cutAll}: the server acts on what
     * a client sends, but the client never hears its replies.
     */
    public void holdToClient() {
        holdingToClient = true;
    }

    /** Cuts every open connection at once, both sides; new connections are still accepted, and carried in full. */
    public void cutAll() {
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
        sockets.clear();
        holdingToServer = false;
        holdingToClient = false;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // already closed
        }
        cutAll();
    }
}
