package dev.parley.server.config;

import dev.parley.server.hooks.HookSecret;

import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The hooks to the application's backend, a part of {@link ServerConfig}: each off until its URL
 * is set, every request signed with {@link #hookSecret}, which any URL requires. Immutable; each
 * setting declared once, as in ServerConfig.
 */
public record HookConfig(
        @Setting(label = "SECRET",
                help = "Secret that signs every hook request, Standard Webhooks' whsec_<base64>; required with a hook URL")
        String hookSecret,
        @Setting(label = "URL", whenUnset = "none", help = "Where webhooks (after the fact, at least once) are posted")
        String webhookUrl,
        @Setting(label = "TYPE", whenUnset = "all",
                help = "Comma-separated webhook types to post: message.created, message.edited, message.deleted, "
                        + "reaction.changed, member.joined, member.left, session.opened, session.closed")
        List<String> webhookEvents,
        @Setting(value = "100000", min = 1, max = 100_000_000,
                help = "Without a database: webhooks queued in memory for the backend (on Redis: in each room's "
                        + "outbox); past it they are dropped, counted and logged")
        int webhookQueueMax,
        @Setting(label = "URL", whenUnset = "none",
                help = "Backend asked before a send or edit is published: accept, accept with new text, or reject")
        String publishHookUrl,
        @Setting(value = "1000", min = 1, help = "Longest wait for the publish hook's answer")
        long publishHookTimeoutMs,
        @Setting(value = "reject",
                help = "What a send or edit gets when the publish hook does not answer: reject (unavailable) or accept")
        HookFailurePolicy publishHookFailure,
        @Setting(value = "false", help = "Ask the publish hook for POST /api/publish too")
        boolean publishHookApi,
        @Setting(label = "URL", whenUnset = "none",
                help = "Backend asked at hello, with the upgrade request's cookie, origin and user agent, whether the "
                        + "session may log in, which rooms it may join and which it joins at once")
        String connectHookUrl,
        @Setting(value = "2000", min = 1, help = "Longest wait for the connect hook's answer")
        long connectHookTimeoutMs,
        @Setting(value = "512", min = 1, max = 100_000, help = "Hook requests of this node in flight at once")
        int hookMaxInFlight,
        @Setting(value = "4096", min = 0, max = 1_000_000,
                help = "Hook requests that wait for a slot in flight, each within its own timeout; past it they are refused")
        int hookMaxWaiting) {

    /** The webhook types, as the protocol names them. */
    public static final Set<String> WEBHOOK_TYPES = Set.of("message.created", "message.edited", "message.deleted",
            "reaction.changed", "member.joined", "member.left", "session.opened", "session.closed");

    /** What a call gets when its hook does not answer. */
    public enum HookFailurePolicy { REJECT, ACCEPT }

    public HookConfig {
        webhookEvents = List.copyOf(webhookEvents);
        for (String type : webhookEvents) {
            if (!WEBHOOK_TYPES.contains(type)) {
                throw new IllegalArgumentException("unknown webhook type '" + type + "'; known: " + WEBHOOK_TYPES);
            }
        }
        for (String url : new String[] {webhookUrl, publishHookUrl, connectHookUrl}) {
            if (url != null && !url.matches("https?://.+")) {
                throw new IllegalArgumentException("a hook URL must be http:// or https://, not " + url);
            }
        }
        if (hookSecret == null && (webhookUrl != null || publishHookUrl != null || connectHookUrl != null)) {
            throw new IllegalArgumentException("a hook URL needs --hook-secret (whsec_<base64>) to sign its requests");
        }
        if (hookSecret != null) {
            HookSecret.parse(hookSecret);
        }
    }

    /** Whether any hook is on. */
    public boolean enabled() {
        return webhookUrl != null || publishHookUrl != null || connectHookUrl != null;
    }

    /** Whether webhooks of {@code type} are posted. */
    public boolean posts(String type) {
        return webhookUrl != null && (webhookEvents.isEmpty() || webhookEvents.contains(type));
    }

    /** The webhook types posted: none without a webhook URL. */
    public Set<String> postedTypes() {
        return WEBHOOK_TYPES.stream().filter(this::posts).collect(Collectors.toUnmodifiableSet());
    }

    /** {@code url} as a URI; null for null. */
    public static URI uri(String url) {
        return url == null ? null : URI.create(url);
    }
}
