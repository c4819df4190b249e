package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.protocol.ParleyJson;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One of {@link WarmUp}'s WebSocket clients, as a chat client uses the node: {@code hello}, a
 * {@code join} of each room, then requests with ids, a few in flight at a time, until its
 * {@code send}s are all acknowledged. Most requests are sends with a nonce, spread over the rooms;
 * among them edits and reactions of its last message, history reads, direct messages and typing,
 * so that each path the node's clients take is run. Lives on its channel's event loop.
 */
final class WarmUpClient extends SimpleChannelInboundHandler<TextWebSocketFrame> {
    /** Requests waiting for their reply at once, as a client that pipelines its sends. */
    private static final int IN_FLIGHT = 8;
    /** Every this many requests, one of each kind besides {@code send}. */
    private static final int ROUND = 20;
    /** What every reply holds and no delivery to these clients does (their texts have no quotes). */
    private static final String REPLY_ID = "\"id\":";
    private static final String TEXT = "warming up the message path of a node before it reports ready, message ";

    private final String nick;
    private final String peer;
    private final List<String> rooms;
    private final int sends;
    private final Runnable onSendAcked;
    private final CompletableFuture<Void> joined = new CompletableFuture<>();
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private ChannelHandlerContext ctx;
    private int joins;
    private int requests;
    private int sent;
    private int inFlight;
    private String lastRoom;
    private long lastOffset = -1;

    /**
     * A client that logs in as {@code nick}, joins {@code rooms}, sends {@code sends} messages
     * (calling {@code onSendAcked} at each {@code ack}) and direct messages to {@code peer}.
     */
    WarmUpClient(String nick, String peer, List<String> rooms, int sends, Runnable onSendAcked) {
        this.nick = nick;
        this.peer = peer;
        this.rooms = rooms;
        this.sends = sends;
        this.onSendAcked = onSendAcked;
    }

    /** Completes when the client is in every room: then its peer can take direct messages, and {@link #start} may follow. */
    CompletableFuture<Void> joined() {
        return joined;
    }

    /** Starts the requests, on the client's event loop. */
    void start() {
        ctx.executor().execute(() -> {
            request();
            ctx.flush();
        });
    }

    /** Completes when every send has its {@code ack}; fails on an error reply or an early close. */
    CompletableFuture<Void> done() {
        return done;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            write(command("hello", "hello").put("nick", nick));
            ctx.flush();
        } else if (event == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
            fail(nick + ": no WebSocket handshake");
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) throws IOException {
        String text = frame.text();
        if (!text.contains(REPLY_ID)) {
            return; // a delivery, the fan-out's work: nothing to read in it
        }
        JsonNode event = ParleyJson.mapper().readTree(text);
        switch (event.path("type").asText()) {
            case "welcome" -> rooms.forEach(room -> write(command("join", "join-" + room).put("room", room)));
            case "joined" -> {
                if (++joins == rooms.size()) {
                    joined.complete(null);
                }
            }
            case "ack", "history" -> replied(event);
            case "error" -> {
                if (outOfWindow(event) || hookUnavailable(event)) {
                    replied(event);
                } else {
                    fail(nick + ": " + event.path("code").asText() + " " + event.path("message").asText());
                }
            }
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        fail(nick + ": closed after " + sent + " of " + sends + " sends");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        failed(cause);
        ctx.close();
    }

    /** Fails the client for {@code cause}, such as its connection that could not be opened. */
    void failed(Throwable cause) {
        joined.completeExceptionally(cause);
        done.completeExceptionally(cause);
    }

    /**
     * Whether {@code error} refuses an edit or reaction because its message left the room's window
     * of kept events: other clients' sends can push it out before its ack is read, as for anyone.
     */
    private static boolean outOfWindow(JsonNode error) {
        String id = error.path("id").asText();
        return error.path("code").asText().equals("not_found") && (id.startsWith("edit-") || id.startsWith("react-"));
    }

    /**
     * Whether {@code error} refuses a send or edit because the publish hook gave no answer in time
     * (under the reject policy): a cold copy's first hook requests can be late, as a node's are.
     */
    private static boolean hookUnavailable(JsonNode error) {
        String id = error.path("id").asText();
        return error.path("code").asText().equals("unavailable") && (id.startsWith("send-") || id.startsWith("edit-"));
    }

    private void replied(JsonNode reply) {
        inFlight--;
        if (reply.path("type").asText().equals("ack") && reply.path("id").asText().startsWith("send-")) {
            lastRoom = reply.path("room").asText();
            lastOffset = reply.path("offset").asLong();
            onSendAcked.run();
        }
        request();
    }

    /** Fills the window of requests in flight while sends are left; completes once the last is answered. */
    private void request() {
        while (inFlight < IN_FLIGHT && sent < sends) {
            write(next(requests++));
            inFlight++;
        }
        if (inFlight == 0 && sent == sends) {
            done.complete(null);
        }
    }

    private ObjectNode next(int index) {
        String id = Integer.toString(index);
        if (lastOffset >= 0) {
            switch (index % ROUND) {
                case 3:
                    return command("edit", "edit-" + id).put("room", lastRoom).put("offset", lastOffset)
                            .put("text", TEXT + id + ", edited");
                case 7:
                    return command("react", "react-" + id).put("room", lastRoom).put("offset", lastOffset)
                            .put("emoji", "\uD83D\uDC4D").put("on", index % (2 * ROUND) == 7);
                case 11:
                    return command("history", "history-" + id).put("room", lastRoom).put("limit", ROUND);
                case 15:
                    write(command("typing", null).put("room", lastRoom));
                    return command("dm", "dm-" + id).put("to", peer).put("text", TEXT + id);
                default:
                    break;
            }
        }
        String room = rooms.get(index % rooms.size());
        sent++;
        return command("send", "send-" + id).put("room", room).put("nonce", nick + "-" + id)
                .put("text", (index % ROUND == 0 ? "@" + peer + " " : "") + TEXT + id);
    }

    private static ObjectNode command(String type, String id) {
        ObjectNode command = ParleyJson.mapper().createObjectNode().put("type", type);
        return id == null ? command : command.put("id", id);
    }

    private void write(ObjectNode command) {
        ctx.write(new TextWebSocketFrame(command.toString()));
    }

    private void fail(String why) {
        if (!done.isDone()) {
            failed(new IllegalStateException(why));
            ctx.close();
        }
    }
}
