package dev.parley.client.cli;

import dev.parley.client.Disconnect;
import dev.parley.client.Gap;
import dev.parley.client.ParleyListener;
import dev.parley.protocol.ParleyJson;
import dev.parley.protocol.ServerEvent;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The {@code --listen} output: every event as one JSON object on its own line. The server's events
 * ({@code message}, {@code edit}, {@code delete}, {@code reaction}, {@code read}, {@code presence},
 * {@code occupancy}, {@code typing}, {@code dm}) appear as they are on the wire;
 * the connection's own are {@code connected}, {@code disconnected}, {@code gap} and {@code closed}.
 */
final class JsonLines implements ParleyListener {
    private final PrintStream out;
    /** Completes when the client has closed for good, with the cause or {@code null}. */
    final CompletableFuture<Throwable> closed = new CompletableFuture<>();

    JsonLines(PrintStream out) {
        this.out = out;
    }

    private void print(Object value) {
        synchronized (out) {
            out.println(ParleyJson.write(value));
            out.flush();
        }
    }

    private static Map<String, Object> event(String type) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", type);
        return event;
    }

    @Override
    public void onMessage(ServerEvent.Message message) {
        print(message);
    }

    @Override
    public void onEdit(ServerEvent.Edit edit) {
        print(edit);
    }

    @Override
    public void onDelete(ServerEvent.Delete delete) {
        print(delete);
    }

    @Override
    public void onReaction(ServerEvent.Reaction reaction) {
        print(reaction);
    }

    @Override
    public void onRead(ServerEvent.Read read) {
        print(read);
    }

    @Override
    public void onJoined(ServerEvent.Joined joined) {
        print(joined);
    }

    @Override
    public void onPresence(ServerEvent.Presence presence) {
        print(presence);
    }

    @Override
    public void onOccupancy(ServerEvent.Occupancy occupancy) {
        print(occupancy);
    }

    @Override
    public void onTyping(ServerEvent.Typing typing) {
        print(typing);
    }

    @Override
    public void onDm(ServerEvent.Dm dm) {
        print(dm);
    }

    @Override
    public void onGap(Gap gap) {
        Map<String, Object> event = event("gap");
        event.put("room", gap.room());
        event.put("since", gap.lastSeen());
        event.put("epoch", gap.epoch());
        event.put("offset", gap.offset());
        print(event);
    }

    @Override
    public void onConnected(ServerEvent.Welcome welcome, boolean reconnected) {
        Map<String, Object> event = event("connected");
        event.put("nick", welcome.nick());
        event.put("session", welcome.session());
        event.put("reconnected", reconnected);
        print(event);
    }

    @Override
    public void onDisconnected(Disconnect disconnect) {
        Map<String, Object> event = event("disconnected");
        event.put("code", disconnect.code());
        event.put("reason", disconnect.reason());
        print(event);
    }

    @Override
    public void onClosed(Throwable cause) {
        Map<String, Object> event = event("closed");
        if (cause != null) {
            event.put("error", Failures.describe(cause));
        }
        print(event);
        closed.complete(cause);
    }
}
