package dev.parley.client.cli;

import dev.parley.client.Disconnect;
import dev.parley.client.Gap;
import dev.parley.client.ClientOptions;
import dev.parley.client.ConnectionState;
import dev.parley.client.MessageState;
import dev.parley.client.ParleyClient;
import dev.parley.client.ParleyListener;
import dev.parley.protocol.ServerEvent;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The interactive chat: reads lines from a {@link Console}, sends plain lines to the current room
 * and runs slash commands, and prints what arrives, as it arrives. Commands run one at a time on
 * the calling thread, each waiting for its reply; events are printed from the client's event thread.
 * Messages are referred to by their offset ({@code /offsets} shows them); edits, deletes and
 * reactions print the message again as it stands after them. Once the user has entered a line,
 * what was printed before counts as read ({@link ReadMarks}).
 */
final class ChatShell implements ParleyListener {
    static final List<String> HELP = List.of(
            "/join <room>              join a room and make it the current one",
            "/leave [room]             leave a room (default: the current one)",
            "/msg <nick> <text>        send a direct message",
            "/who [room] [after]       list members of a room, a page at a time",
            "/rooms                    list the rooms",
            "/history [room] [limit]   show the latest messages of a room",
            "/reply <n> <text>         answer message n of the current room",
            "/edit <n> <text>          give your message n a new text",
            "/delete <n>               delete your message n",
            "/react <n> <emoji>        put an emoji on message n (/unreact takes it off)",
            "/offsets                  show or hide each message's offset n",
            "/read                     mark every room read up to what was shown (entering any line does too)",
            "/unread                   unread messages and mentions per room",
            "/quit                     leave (so does Ctrl-D)",
            "anything else             is sent to the current room");

    /** Members named when joining; {@code /who} pages through the rest. */
    private static final int NAMES_SHOWN = 20;
    private static final int WHO_PAGE = 100;

    private final Console console;
    private final EventFormatter format;
    private final Duration wait;
    private final RoomViews views = new RoomViews();
    /** Set from the first {@code welcome}, before {@link ParleyClient#connect} completes. */
    private volatile ReadMarks marks;
    /** The rooms joined, in the order joined; main thread only. */
    private final Set<String> rooms = new LinkedHashSet<>();
    private ParleyClient client;
    private String current;

    ChatShell(Console console, String nick, Duration requestTimeout) {
        this.console = console;
        this.format = new EventFormatter(nick, console.styled());
        this.wait = requestTimeout.plusSeconds(1);
    }

    /** Connects, joins {@code initialRooms}, then chats until the input ends or {@code /quit}; returns the exit code. */
    int run(URI url, ClientOptions.Builder options, List<String> initialRooms) {
        try {
            client = ParleyClient.connect(url, options.listener(this).build()).get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Failures.UNREACHABLE;
        } catch (ExecutionException | TimeoutException e) {
            console.print(format.problem("could not connect to " + url + ": " + Failures.describe(e)));
            return Failures.exitCode(e);
        }
        try (ParleyClient connected = client) {
            console.print(format.notice("connected to " + url + " as " + connected.welcome().nick()
                    + "; /help lists the commands"));
            if (connected.welcome().unread() != null) {
                console.print(format.unread(connected.welcome().unread()));
            }
            initialRooms.forEach(this::join);
            String line;
            while ((line = console.readLine(current == null ? "> " : "[" + current + "]> ")) != null) {
                boolean goOn = handle(line.strip());
                if (connected.state() != ConnectionState.CLOSED) {
                    // the user has answered the prompt: what was printed above it counts as read
                    request(marks.markShown(connected), moved -> { });
                }
                if (!goOn) {
                    break;
                }
            }
        }
        return 0;
    }

    /** Runs one line; false when it asks to quit. */
    private boolean handle(String line) {
        if (line.isEmpty()) {
            return true;
        }
        if (!line.startsWith("/")) {
            say(line);
            return true;
        }
        String[] words = line.split("\\s+", 3);
        String argument = words.length > 1 ? words[1] : null;
        switch (words[0]) {
            case "/quit", "/exit" -> {
                return false;
            }
            case "/join" -> {
                if (argument == null) {
                    console.print(format.problem("usage: /join <room>"));
                } else {
                    join(argument);
                }
            }
            case "/leave" -> leave(argument == null ? current : argument);
            case "/msg" -> {
                if (words.length < 3) {
                    console.print(format.problem("usage: /msg <nick> <text>"));
                } else {
                    request(client.dm(words[1], words[2]), ack -> console.print(format.sentDm(words[1], words[2], ack.ts())));
                }
            }
            case "/who" -> inRoom(argument, room -> who(room, words.length > 2 ? words[2] : null));
            case "/rooms" -> request(client.rooms(), this::showRooms);
            case "/history" -> history(line.split("\\s+"));
            case "/reply" -> withOffset(words, "/reply <n> <text>", (room, n) -> request(client.send(room, words[2], n), ack -> { }));
            case "/edit" -> withOffset(words, "/edit <n> <text>", (room, n) -> request(client.edit(room, n, words[2]), ack -> { }));
            case "/delete" -> withOffset(words, "/delete <n>", (room, n) -> request(client.delete(room, n), ack -> { }));
            case "/react", "/unreact" -> withOffset(words, words[0] + " <n> <emoji>",
                    (room, n) -> react(room, n, words[2], words[0].equals("/react")));
            case "/offsets" -> console.print(format.notice(format.toggleOffsets() ? "offsets shown" : "offsets hidden"));
            case "/read" -> markRead();
            case "/unread" -> unread();
            case "/help" -> HELP.forEach(help -> console.print(format.notice(help)));
            default -> console.print(format.problem("unknown command " + words[0] + "; /help lists them"));
        }
        return true;
    }

    /**
     * Runs {@code action} on the current room and the message offset in {@code words[1]}, when
     * {@code words} hold what {@code usage} asks for (an offset, then text when it names more);
     * otherwise shows the usage.
     */
    private void withOffset(String[] words, String usage, BiConsumer<String, Long> action) {
        boolean needsText = usage.split(" ").length > 2;
        long offset = words.length > 1 && words[1].matches("\\d{1,18}") ? Long.parseLong(words[1]) : 0;
        if (offset == 0 || needsText && words.length < 3) {
            console.print(format.problem("usage: " + usage));
        } else {
            inRoom(null, room -> action.accept(room, offset));
        }
    }

    private void react(String room, long offset, String emoji, boolean on) {
        request(client.react(room, offset, emoji, on), ack -> {
            if (ack.offset() == null) {
                console.print(format.notice(on ? emoji + " is on message " + offset + " already"
                        : "no " + emoji + " of yours on message " + offset));
            }
        });
    }

    private void markRead() {
        if (!marks.offered()) {
            console.print(format.problem("this server keeps no read state"));
            return;
        }
        request(marks.markShown(client), moved -> console.print(format.notice(moved.isEmpty() ? "nothing new to mark read"
                : "marked read: " + moved.entrySet().stream().map(m -> "#" + m.getKey() + " up to " + m.getValue())
                        .collect(Collectors.joining(", ")))));
    }

    private void unread() {
        if (!marks.offered()) {
            console.print(format.problem("this server keeps no read state"));
            return;
        }
        request(client.unread(), rooms -> console.print(format.unread(rooms)));
    }

    /** Sends a line to the current room; it shows when the server delivers it back, like everyone else's. */
    private void say(String text) {
        inRoom(null, room -> request(client.send(room, text), ack -> { }));
    }

    private void join(String room) {
        // Shown on the event thread as the reply completes, before the room's next events.
        request(client.join(room).thenApply(joined -> {
            views.joined(joined).forEach(this::show);
            marks.shown(room, joined.offset());
            return joined;
        }), joined -> {
            rooms.add(room);
            current = room;
            int count = joined.memberCount();
            console.print(format.notice("joined #" + room + "; " + count + (count == 1 ? " member: " : " members: ")
                    + names(joined.members(), count)));
        });
    }

    /** The first of {@code members}, and how many more the room has. */
    private static String names(List<String> members, int count) {
        List<String> shown = members.subList(0, Math.min(members.size(), NAMES_SHOWN));
        return String.join(", ", shown) + (count > shown.size() ? " and " + (count - shown.size()) + " more" : "");
    }

    private void who(String room, String after) {
        request(client.who(room, after, WHO_PAGE), page -> {
            String more = page.next() == null ? "" : "; more: /who " + room + " " + page.next();
            console.print(format.notice("#" + room + (after == null ? "" : " after " + after) + ": "
                    + (page.members().isEmpty() ? "nobody" : String.join(", ", page.members())) + more));
        });
    }

    private void leave(String room) {
        if (room == null) {
            console.print(format.problem("usage: /leave <room>"));
            return;
        }
        request(client.leave(room), left -> {
            rooms.remove(room);
            views.left(room);
            marks.left(room);
            if (room.equals(current)) {
                current = rooms.stream().reduce((first, second) -> second).orElse(null);
            }
            console.print(format.notice("left #" + room + (current == null ? "" : "; now in #" + current)));
        });
    }

    private void history(String[] words) {
        String room = null;
        int limit = 20;
        for (int i = 1; i < words.length; i++) {
            if (words[i].matches("\\d{1,3}")) {
                limit = Integer.parseInt(words[i]);
            } else {
                room = words[i];
            }
        }
        int max = limit;
        inRoom(room, r -> request(client.history(r, Long.MAX_VALUE, max), history -> {
            if (history.messages().isEmpty()) {
                console.print(format.notice("no messages in #" + r));
            }
            views.history(r, history.messages());
            history.messages().forEach(m -> {
                show(MessageState.of(m));
                marks.shown(r, m.offset());
            });
        }));
    }

    private void showRooms(ServerEvent.Rooms rooms) {
        if (rooms.rooms().isEmpty()) {
            console.print(format.notice("no rooms yet"));
        } else {
            console.print(format.notice("rooms: " + rooms.rooms().stream()
                    .map(info -> "#" + info.room() + " (" + info.members() + ")").collect(Collectors.joining(", "))));
        }
    }

    /** Runs {@code action} on {@code room}, or the current room when it is null; complains when there is none. */
    private void inRoom(String room, Consumer<String> action) {
        String target = room == null ? current : room;
        if (target == null) {
            console.print(format.problem("join a room first: /join <room>"));
        } else {
            action.accept(target);
        }
    }

    /** Waits for a reply and hands it on, or prints why there is none. */
    private <T> void request(CompletableFuture<T> reply, Consumer<T> then) {
        try {
            then.accept(reply.get(wait.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            console.print(format.problem(Failures.describe(e)));
        }
    }

    // ---- events, on the client's event thread ----

    /** A message as it stands, on a line of the time it was sent. */
    private void show(MessageState m) {
        console.print(format.message(m, m.ts(), views.get(m.room(), m.replyTo())));
    }

    /** A live room event: the message it is about, as it stands after it. */
    private void roomEvent(ServerEvent.RoomEvent event) {
        Optional<MessageState> about = views.apply(event);
        marks.shown(event.room(), event.offset());
        if (about.isEmpty()) {
            console.print(format.aboutUnknown(event));
        } else {
            MessageState m = about.get();
            console.print(format.message(m, event.ts(), views.get(m.room(), m.replyTo())));
        }
    }

    @Override
    public void onMessage(ServerEvent.Message message) {
        roomEvent(message);
    }

    @Override
    public void onEdit(ServerEvent.Edit edit) {
        roomEvent(edit);
    }

    @Override
    public void onDelete(ServerEvent.Delete delete) {
        roomEvent(delete);
    }

    @Override
    public void onReaction(ServerEvent.Reaction reaction) {
        roomEvent(reaction);
    }

    @Override
    public void onRead(ServerEvent.Read read) {
        marks.marked(read.room(), read.offset());
    }

    @Override
    public void onPresence(ServerEvent.Presence presence) {
        console.print(format.presence(presence));
    }

    @Override
    public void onOccupancy(ServerEvent.Occupancy occupancy) {
        console.print(format.occupancy(occupancy));
    }

    @Override
    public void onDm(ServerEvent.Dm dm) {
        console.print(format.dm(dm));
    }

    @Override
    public void onGap(Gap gap) {
        console.print(format.problem("some messages in #" + gap.room() + " could not be recovered"
                + (gap.historyLost() ? " (the server lost its history)" : "")));
    }

    @Override
    public void onDisconnected(Disconnect disconnect) {
        console.print(format.problem("connection lost (" + disconnect + "); reconnecting"));
    }

    @Override
    public void onConnected(ServerEvent.Welcome welcome, boolean reconnected) {
        if (marks == null) {
            marks = new ReadMarks(welcome);
        }
        if (reconnected) {
            console.print(format.notice("reconnected"));
        }
    }

    @Override
    public void onClosed(Throwable cause) {
        if (cause != null) {
            console.print(format.problem("disconnected: " + Failures.describe(cause) + "; /quit to leave"));
        }
    }
}
