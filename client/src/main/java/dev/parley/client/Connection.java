package dev.parley.client;

import dev.parley.protocol.Command;
import dev.parley.protocol.ParleyJson;
import dev.parley.protocol.ProtocolVersion;
import dev.parley.protocol.ServerEvent;
import org.java_websocket.WebSocket;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.ServerHandshake;
import org.java_websocket.protocols.IProtocol;
import org.java_websocket.protocols.Protocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * One WebSocket connection to the server, on Java-WebSocket: it offers the {@code parley.v1}
 * subprotocol, decodes each text frame into a {@link ServerEvent} on the socket's reader thread,
 * notes when the server was last heard from, and hands every callback to the client's control
 * thread through {@link Handler}. A reconnect makes a new {@code Connection}; callbacks name their
 * connection so that the client can ignore those of a connection it has already given up.
 *
 * <p>Java-WebSocket runs two threads per connection (reader and writer); both end when the
 * connection closes, {@link #abort} included.
 */
final class Connection extends WebSocketClient {
    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);

    /** What a connection reports; every call runs on the control thread. */
    interface Handler {
        void opened(Connection connection);

        void received(Connection connection, ServerEvent event);

        void closed(Connection connection, Disconnect disconnect);
    }

    private final Executor control;
    private final Handler handler;
    private final String name;
    private volatile long lastHeardNanos = System.nanoTime();

    Connection(URI uri, int connectTimeoutMs, Executor control, Handler handler, String name) {
        super(uri, new Draft_6455(List.of(), List.<IProtocol>of(new Protocol(ProtocolVersion.SUBPROTOCOL), new Protocol(""))),
                Map.of(), connectTimeoutMs);
        this.control = control;
        this.handler = handler;
        this.name = name;
        setConnectionLostTimeout(0); // the client's own heartbeat watches the connection
    }

    /** {@link System#nanoTime()} when the server last sent anything, pings and pongs included. */
    long lastHeardNanos() {
        return lastHeardNanos;
    }

    /**
     * Sends a command; a connection that has just closed drops it silently, since its
     * {@link Handler#closed} is on its way.
     */
    void send(Command command) {
        try {
            send(ParleyJson.write(command));
        } catch (WebsocketNotConnectedException e) {
            LOG.debug("{}: not sent, the connection has closed: {}", name, command);
        }
    }

    /**
     * Drops the connection at once, without a close handshake, also when it is still connecting;
     * {@link Handler#closed} follows with {@code code} once the connection had opened.
     */
    void abort(int code, String reason) {
        closeConnection(code, reason);
        Socket socket = getSocket();
        if (socket != null) {
            try {
                socket.close(); // unblocks a connect still in progress
            } catch (IOException e) {
                LOG.debug("{}: {}", name, e.toString());
            }
        }
    }

    private void toControl(Runnable task) {
        try {
            control.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.debug("{}: the client has shut down; dropped a callback", name);
        }
    }

    @Override
    public void onOpen(ServerHandshake handshake) {
        lastHeardNanos = System.nanoTime();
        toControl(() -> handler.opened(this));
    }

    @Override
    public void onMessage(String text) {
        lastHeardNanos = System.nanoTime();
        ServerEvent event;
        try {
            event = ParleyJson.readEvent(text);
        } catch (IOException e) {
            LOG.warn("{}: ignored a frame that is not a valid server event: {}", name, e.getMessage());
            return;
        }
        if (event != null) {
            toControl(() -> handler.received(this, event));
        }
    }

    @Override
    public void onWebsocketPing(WebSocket connection, Framedata ping) {
        lastHeardNanos = System.nanoTime();
        super.onWebsocketPing(connection, ping);
    }

    @Override
    public void onWebsocketPong(WebSocket connection, Framedata pong) {
        lastHeardNanos = System.nanoTime();
    }

    @Override
    public void onClose(int code, String reason, boolean remote) {
        Disconnect disconnect = new Disconnect(code, reason, remote);
        toControl(() -> handler.closed(this, disconnect));
    }

    @Override
    public void onError(Exception e) {
        // Java-WebSocket calls onClose after every error that ends the connection.
        LOG.debug("{}: {}", name, e.toString());
    }

    @Override
    public String toString() {
        return name;
    }
}
