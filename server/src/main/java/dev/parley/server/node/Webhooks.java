package dev.parley.server.node;

import dev.parley.protocol.ServerEvent;
import dev.parley.server.broker.Broker;
import dev.parley.server.broker.RedisBroker;
import dev.parley.server.config.HookConfig;
import dev.parley.server.hooks.WebhookSender;
import dev.parley.server.hub.Member;
import dev.parley.server.store.Webhook;
import dev.parley.server.store.WebhookLanes;
import dev.parley.server.store.WebhookOutbox;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * What this node makes webhooks of (the types {@code --webhook-events} names), each made once in a
 * cluster: a room event where the node alone hands it to its listener (in offset order) or, in a
 * cluster, where it is written (by the room scripts on Redis, by the group-commit writer with
 * durable history); a member's join or leave where presence said it changed the room; a session's
 * opening and closing where the session lives. Each goes to the memory queue ({@link WebhookQueue})
 * or to an outbox shared by the nodes, which {@link OutboxDeliverer} delivers: the database's with
 * durable history, each room's in Redis on Redis without a database (where a session's, which
 * names no room, goes to the memory queue).
 */
final class Webhooks implements AutoCloseable {
    /** No webhooks: every call does nothing. */
    static final Webhooks NONE = new Webhooks(null, Source.NONE, webhook -> { }, room -> { }, () -> { }, () -> 0);

    /** Where a room event's webhook is made. */
    private enum Source {
        /** The node alone: its broker hands each event to its listener once, under the room's lock. */
        LISTENER,
        /** On Redis: the room scripts add the room events' webhooks to the room's outbox themselves. */
        REDIS,
        /** With durable history: the group-commit writer adds the room events' rows to the outbox itself. */
        STORED,
        NONE
    }

    private final HookConfig config;
    private final Source source;
    private final Consumer<Webhook> sink;
    /** Told of a room this node just added webhooks to, so that they go at once. */
    private final Consumer<String> added;
    private final AutoCloseable closing;
    private final LongSupplier clock;
    /** The nicks of sessions logged in here by session id, so that each session's end makes one {@code session.closed}. */
    private final Map<String, String> openSessions = new ConcurrentHashMap<>();

    private Webhooks(HookConfig config, Source source, Consumer<Webhook> sink, Consumer<String> added,
                     AutoCloseable closing, LongSupplier clock) {
        this.config = config;
        this.source = source;
        this.sink = sink;
        this.added = added;
        this.closing = closing;
        this.clock = clock;
    }

    /** The webhooks of a node with {@code hooks} and {@code broker}; {@link #NONE} without a webhook URL. */
    static Webhooks of(Hooks hooks, Broker broker, MeterRegistry registry, LongSupplier clock) {
        if (!hooks.enabled() || hooks.config().webhookUrl() == null) {
            return NONE;
        }
        HookConfig config = hooks.config();
        WebhookSender sender = new WebhookSender(hooks.client(), HookConfig.uri(config.webhookUrl()),
                Math.max(1, config.hookMaxInFlight() / 2), registry);
        if (broker instanceof RedisBroker redis) {
            WebhookLanes outbox = redis.keepWebhooks(config::posts, config.webhookQueueMax(), (room, count) -> {
                for (int i = 0; i < count; i++) {
                    sender.dropped("webhook", "(the oldest of " + room + ")",
                            "a room's outbox in Redis holds " + config.webhookQueueMax());
                }
            });
            OutboxDeliverer deliverer = new OutboxDeliverer(outbox, sender, registry);
            WebhookQueue sessions = new WebhookQueue(sender, config.webhookQueueMax(), registry);
            Consumer<Webhook> write = written(outbox, sender, deliverer::wake);
            return new Webhooks(config, Source.REDIS, webhook -> {
                if (webhook.room() == null) {
                    sessions.offer(webhook);
                } else {
                    write.accept(webhook);
                }
            }, deliverer::wake, () -> {
                deliverer.close();
                sessions.close();
            }, clock);
        }
        WebhookOutbox outbox = broker.webhookOutbox();
        if (outbox != null) {
            return new Webhooks(config, Source.STORED, written(outbox, sender, room -> { }), room -> { },
                    new OutboxDeliverer(outbox, sender, registry), clock);
        }
        WebhookQueue queue = new WebhookQueue(sender, config.webhookQueueMax(), registry);
        return new Webhooks(config, Source.LISTENER, queue::offer, room -> { }, queue, clock);
    }

    /** Writes a webhook to {@code outbox} by a write of its own, then tells {@code added} of its room; a failed write is a drop. */
    private static Consumer<Webhook> written(WebhookLanes outbox, WebhookSender sender, Consumer<String> added) {
        return webhook -> outbox.add(webhook).whenComplete((written, failure) -> {
            if (failure != null) {
                sender.dropped(webhook.type(), webhook.id(), "the outbox could not be written: " + failure.getMessage());
            } else if (webhook.room() != null) {
                added.accept(webhook.room());
            }
        });
    }

    /** A room event the broker hands to this node's listener. */
    void delivered(ServerEvent.RoomEvent event) {
        if (source == Source.LISTENER) {
            roomEvent(event);
        }
    }

    /** {@code publish}, a publish through this node, after its event's webhook is on its way once it is published. */
    CompletableFuture<Optional<ServerEvent.RoomEvent>> published(CompletableFuture<Optional<ServerEvent.RoomEvent>> publish) {
        if (source == Source.REDIS) {
            publish.thenAccept(event -> event.ifPresent(this::written));
        }
        return publish;
    }

    /** As {@link #published}, for a message published by the server API. */
    CompletableFuture<ServerEvent.Message> publishedMessage(CompletableFuture<ServerEvent.Message> publish) {
        if (source == Source.REDIS) {
            publish.thenAccept(this::written);
        }
        return publish;
    }

    /** {@code event}'s webhook was written with it (on Redis): delivered from this node at once, unless another delivers its room. */
    private void written(ServerEvent.RoomEvent event) {
        if (config.posts(Webhook.typeOf(event))) {
            added.accept(event.room());
        }
    }

    private void roomEvent(ServerEvent.RoomEvent event) {
        if (config.posts(Webhook.typeOf(event))) {
            sink.accept(Webhook.of(event));
        }
    }

    /** {@code nick} entered ({@code joined}) or left {@code room}: its first session joined, or its last left. */
    void member(boolean joined, String room, String nick) {
        String type = joined ? Webhook.MEMBER_JOINED : Webhook.MEMBER_LEFT;
        if (source != Source.NONE && config.posts(type)) {
            sink.accept(Webhook.member(type, room, nick, clock.getAsLong()));
        }
    }

    /** {@code member} logged in under {@code nick}. */
    void sessionOpened(Member member, String nick) {
        if (source == Source.NONE || !config.posts(Webhook.SESSION_OPENED) && !config.posts(Webhook.SESSION_CLOSED)) {
            return;
        }
        if (openSessions.putIfAbsent(member.id(), nick) == null && config.posts(Webhook.SESSION_OPENED)) {
            sink.accept(Webhook.session(Webhook.SESSION_OPENED, nick, member.id(), clock.getAsLong()));
        }
    }

    /** {@code member} ended: a {@code session.closed} when it had logged in here. */
    void sessionClosed(Member member) {
        String nick = openSessions.remove(member.id());
        if (nick != null && config.posts(Webhook.SESSION_CLOSED)) {
            sink.accept(Webhook.session(Webhook.SESSION_CLOSED, nick, member.id(), clock.getAsLong()));
        }
    }

    @Override
    public void close() {
        try {
            closing.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the webhooks failed", e);
        }
    }
}
