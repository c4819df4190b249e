package dev.parley.server.hooks;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.protocol.ParleyJson;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The connect hook: at {@code hello}, asks the application's backend whether the session may log
 * in, with the nick, the token if any and what the upgrade request said; reads its answer into a
 * {@link ConnectVerdict}. Anything short of a well-formed answer with a 2xx status (no answer in
 * time, refused, a redirect, a huge or dripping body, not JSON, wrong types) is
 * {@link ConnectVerdict.Unavailable}. Thread-safe; never blocks.
 */
public record ConnectHook(HookClient client, URI url, Duration timeout) {
    /** The reason given to a client when the backend rejects it without one. */
    static final String NO_REASON = "refused by the application";

    private record Body(String nick, String token, String address, Headers headers) {
    }

    private record Headers(String cookie, String origin, @JsonProperty("user-agent") String userAgent) {
    }

    /** Asks about {@code nick} ({@code token} may be null); never fails: a failure is {@link ConnectVerdict.Unavailable}. */
    public CompletableFuture<ConnectVerdict> ask(String nick, String token, UpgradeRequest upgrade) {
        String body = ParleyJson.write(new Body(nick, token, upgrade.address(),
                new Headers(upgrade.cookie(), upgrade.origin(), upgrade.userAgent())));
        return client.post(url, body, timeout).handle((reply, failure) -> failure != null
                ? new ConnectVerdict.Unavailable(failure.getMessage()) : verdict(reply));
    }

    /** The verdict an answer holds. */
    static ConnectVerdict verdict(HookReply reply) {
        if (!reply.succeeded()) {
            return new ConnectVerdict.Unavailable("answered " + reply.status());
        }
        JsonNode answer;
        try {
            answer = ParleyJson.mapper().readTree(reply.body());
        } catch (JsonProcessingException e) {
            return new ConnectVerdict.Unavailable("answered something other than JSON");
        }
        if (answer == null || !answer.isObject()) {
            return new ConnectVerdict.Unavailable("answered something other than a JSON object");
        }
        JsonNode action = answer.path("action");
        if ("accept".equals(action.textValue())) {
            List<String> rooms = names(answer.get("rooms"));
            List<String> join = names(answer.get("join"));
            if (rooms == null && isGiven(answer.get("rooms")) || join == null && isGiven(answer.get("join"))) {
                return new ConnectVerdict.Unavailable("answered rooms or join that are not arrays of strings");
            }
            return new ConnectVerdict.Accept(rooms, join);
        }
        if ("reject".equals(action.textValue())) {
            JsonNode reason = answer.get("reason");
            if (isGiven(reason) && !reason.isTextual()) {
                return new ConnectVerdict.Unavailable("answered a reason that is not a string");
            }
            return new ConnectVerdict.Reject(reason == null || reason.isNull() || reason.textValue().isBlank()
                    ? NO_REASON : reason.textValue());
        }
        return new ConnectVerdict.Unavailable("answered no action of accept or reject");
    }

    private static boolean isGiven(JsonNode node) {
        return node != null && !node.isNull();
    }

    /** An array of strings as a list; null when absent, null or anything else. */
    private static List<String> names(JsonNode node) {
        if (node == null || !node.isArray()) {
            return null;
        }
        List<String> names = new ArrayList<>(node.size());
        for (JsonNode name : node) {
            if (!name.isTextual()) {
                return null;
            }
            names.add(name.textValue());
        }
        return names;
    }
}
