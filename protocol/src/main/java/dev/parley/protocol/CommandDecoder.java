package dev.parley.protocol;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;

import java.io.IOException;
import java.io.InputStream;

/**
 * Decodes client commands strictly, mapping every failure to the protocol's error code:
 * unparseable text or anything but one JSON object is {@code bad_json}; a missing or ill-typed
 * field is {@code bad_request}; an unknown {@code type} is {@code unknown_type}. Unknown fields are
 * ignored. Value rules (nick and room syntax, text length) are the server's to check.
 *
 * <p>Stateless and thread-safe.
 */
public final class CommandDecoder {
    private static final ObjectReader TREE_READER = ParleyJson.mapper().reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private CommandDecoder() {
    }

    /** Decodes one command from UTF-8 JSON. */
    public static Command decode(InputStream json) throws ProtocolException {
        JsonNode root;
        try {
            root = TREE_READER.readTree(json);
        } catch (JacksonException e) {
            throw new ProtocolException(ErrorCode.BAD_JSON, null, "not valid JSON");
        } catch (IOException e) {
            throw new IllegalStateException("reading an in-memory frame failed", e);
        }
        return decode(root);
    }

    /** Decodes one command from a parsed JSON value. */
    public static Command decode(JsonNode root) throws ProtocolException {
        if (root == null || !root.isObject()) {
            throw new ProtocolException(ErrorCode.BAD_JSON, null, "a frame must hold one JSON object");
        }
        Fields f = new Fields(root, readId(root.get("id")));
        JsonNode type = root.get("type");
        if (type == null || !type.isTextual()) {
            throw f.badRequest("field 'type' must be a string");
        }
        RequestId id = f.id;
        switch (type.textValue()) {
            case "hello":
                return new Command.Hello(id, f.requiredString("nick"), f.optionalString("token"),
                        f.optionalString("resume"));
            case "join":
                return new Command.Join(id, f.requiredString("room"), f.optionalPosition("since"));
            case "leave":
                return new Command.Leave(id, f.requiredString("room"));
            case "send":
                return new Command.Send(id, f.requiredString("room"), f.requiredString("text"));
            case "dm":
                return new Command.SendDm(id, f.requiredString("to"), f.requiredString("text"));
            case "typing":
                return new Command.Typing(id, f.requiredString("room"));
            case "who":
                return who(f);
            case "rooms":
                return new Command.ListRooms(id);
            case "history":
                return fetchHistory(f);
            case "ping":
                return new Command.Ping(id);
            default:
                throw new ProtocolException(ErrorCode.UNKNOWN_TYPE, id, "unknown type '" + type.textValue() + "'");
        }
    }

    private static Command.Who who(Fields f) throws ProtocolException {
        Long limit = f.optionalLong("limit");
        if (limit != null && (limit < 1 || limit > Command.Who.MAX_LIMIT)) {
            throw f.badRequest("field 'limit' must be from 1 to " + Command.Who.MAX_LIMIT);
        }
        return new Command.Who(f.id, f.requiredString("room"), f.optionalString("after"),
                limit == null ? null : limit.intValue());
    }

    private static Command.FetchHistory fetchHistory(Fields f) throws ProtocolException {
        Long before = f.optionalLong("before");
        if (before != null && before < 1) {
            throw f.badRequest("field 'before' must be at least 1");
        }
        Long limit = f.optionalLong("limit");
        if (limit != null && (limit < 1 || limit > Command.FetchHistory.MAX_LIMIT)) {
            throw f.badRequest("field 'limit' must be from 1 to " + Command.FetchHistory.MAX_LIMIT);
        }
        return new Command.FetchHistory(f.id, f.requiredString("room"), before,
                limit == null ? null : limit.intValue());
    }

    private static RequestId readId(JsonNode id) throws ProtocolException {
        if (id == null || id.isNull()) {
            return null;
        }
        if (id.isTextual() && id.textValue().length() <= RequestId.MAX_STRING_LENGTH) {
            return RequestId.of(id.textValue());
        }
        if (id.isIntegralNumber() && id.canConvertToLong()) {
            return RequestId.of(id.longValue());
        }
        throw new ProtocolException(ErrorCode.BAD_REQUEST, null,
                "field 'id' must be an integer or a string of at most " + RequestId.MAX_STRING_LENGTH + " chars");
    }

    /** Typed access to a command's fields; a failure names the field and carries the command's id. */
    private record Fields(JsonNode root, RequestId id) {

        ProtocolException badRequest(String message) {
            return new ProtocolException(ErrorCode.BAD_REQUEST, id, message);
        }

        String requiredString(String name) throws ProtocolException {
            String value = optionalString(name);
            if (value == null) {
                throw badRequest("field '" + name + "' is required");
            }
            return value;
        }

        String optionalString(String name) throws ProtocolException {
            JsonNode node = root.get(name);
            if (node == null || node.isNull()) {
                return null;
            }
            if (!node.isTextual()) {
                throw badRequest("field '" + name + "' must be a string");
            }
            return node.textValue();
        }

        Long optionalLong(String name) throws ProtocolException {
            return integer(root.get(name), name);
        }

        StreamPosition optionalPosition(String name) throws ProtocolException {
            JsonNode node = root.get(name);
            if (node == null || node.isNull()) {
                return null;
            }
            JsonNode epoch = node.get("epoch");
            Long offset = integer(node.get("offset"), name + ".offset");
            if (!node.isObject() || epoch == null || !epoch.isTextual() || offset == null || offset < 0) {
                throw badRequest("field '" + name + "' must be {\"epoch\": string, \"offset\": integer >= 0}");
            }
            return new StreamPosition(epoch.textValue(), offset);
        }

        private Long integer(JsonNode node, String name) throws ProtocolException {
            if (node == null || node.isNull()) {
                return null;
            }
            if (!node.isIntegralNumber() || !node.canConvertToLong()) {
                throw badRequest("field '" + name + "' must be an integer");
            }
            return node.longValue();
        }
    }
}
