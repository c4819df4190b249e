package dev.parley.protocol;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;

import java.io.CharConversionException;
import java.io.IOException;

/**
 * Decodes client commands strictly, mapping every failure to the protocol's error code:
 * unparseable text or anything but one JSON object is {@code bad_json}; a missing or ill-typed
 * field, or a string with an unpaired surrogate, is {@code bad_request}; an unknown {@code type} is {@code unknown_type}
 * ({@code unsupported} for a command of version 1.2 that no server offers yet). Unknown fields are
 * ignored. Value rules (nick and room syntax, text length) are the server's to check.
 *
 * <p>Stateless and thread-safe.
 */
public final class CommandDecoder {
    private static final ObjectReader TREE_READER = ParleyJson.mapper().reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    /**
     * Commands of version 1.2 for features no Parley server offers yet: {@code unsupported}, as the
     * contract answers a command for a feature the server does not offer, rather than {@code unknown_type}.
     */
    private CommandDecoder() {
    }

    /**
     * Decodes one command from the UTF-8 JSON in {@code json[offset .. offset + length)}: a well-formed
     * {@code send} straight from the parser's tokens, anything else through a tree.
     */
    public static Command decode(byte[] json, int offset, int length) throws ProtocolException {
        Command.Send send = SendReader.read(json, offset, length);
        return send != null ? send : decodeTree(json, offset, length);
    }

    /** The generic way, which decides every error: the JSON read as a tree, then the command from it. */
    static Command decodeTree(byte[] json, int offset, int length) throws ProtocolException {
        JsonNode root;
        try {
            root = TREE_READER.readTree(json, offset, length);
        } catch (JacksonException | CharConversionException e) {
            // CharConversionException: bytes Jackson takes for another encoding than UTF-8 (00 00 7B 00 for UCS-4).
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
                return new Command.Leave(id, f.requiredString("room"), f.optionalBoolean("forget"));
            case "send":
                return send(f);
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
            case "refresh":
                return new Command.Refresh(id, f.requiredString("token"));
            case "search":
                return search(f);
            case "edit":
                return new Command.Edit(id, f.requiredString("room"), f.requiredOffset("offset"), f.requiredString("text"));
            case "delete":
                return new Command.Delete(id, f.requiredString("room"), f.requiredOffset("offset"));
            case "react":
                return react(f);
            case "read":
                return new Command.Read(id, f.requiredString("room"), f.requiredOffset("offset"));
            case "unread":
                return new Command.Unread(id);
            default:
                throw new ProtocolException(ErrorCode.UNKNOWN_TYPE, id, "unknown type '" + type.textValue() + "'");
        }
    }

    private static Command.Who who(Fields f) throws ProtocolException {
        return new Command.Who(f.id, f.requiredString("room"), f.optionalString("after"),
                f.optionalLimit(Command.Who.MAX_LIMIT));
    }

    private static Command.Send send(Fields f) throws ProtocolException {
        String nonce = f.optionalString("nonce");
        if (nonce != null && (nonce.isEmpty() || nonce.length() > Command.Send.MAX_NONCE_CHARS)) {
            throw f.badRequest("field 'nonce' must be 1 to " + Command.Send.MAX_NONCE_CHARS + " chars");
        }
        Long replyTo = f.optionalLong("replyTo");
        if (replyTo != null && replyTo < 1) {
            throw f.badRequest("field 'replyTo' must be a positive integer");
        }
        return new Command.Send(f.id, f.requiredString("room"), f.requiredString("text"), nonce, replyTo);
    }

    private static Command.React react(Fields f) throws ProtocolException {
        String emoji = f.requiredString("emoji");
        int codePoints = emoji.codePointCount(0, emoji.length());
        if (codePoints < 1 || codePoints > Command.React.MAX_EMOJI_CODE_POINTS
                || emoji.codePoints().anyMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c))) {
            throw f.badRequest("field 'emoji' must be 1 to " + Command.React.MAX_EMOJI_CODE_POINTS
                    + " code points without whitespace");
        }
        return new Command.React(f.id, f.requiredString("room"), f.requiredOffset("offset"), emoji,
                f.requiredBoolean("on"));
    }

    private static Command.FetchHistory fetchHistory(Fields f) throws ProtocolException {
        Long before = f.optionalLong("before");
        if (before != null && before < 1) {
            throw f.badRequest("field 'before' must be at least 1");
        }
        Long after = f.optionalLong("after");
        if (after != null && after < 0) {
            throw f.badRequest("field 'after' must be at least 0");
        }
        if (before != null && after != null) {
            throw f.badRequest("fields 'before' and 'after' do not go together");
        }
        String with = f.optionalString("with");
        if (with != null && f.optionalString("room") != null) {
            throw f.badRequest("fields 'room' and 'with' do not go together");
        }
        String events = f.optionalString("events");
        if (events != null && !events.equals(Command.FetchHistory.ALL_EVENTS)
                && !events.equals(Command.FetchHistory.MESSAGES)) {
            throw f.badRequest("field 'events' must be '" + Command.FetchHistory.ALL_EVENTS + "' or '"
                    + Command.FetchHistory.MESSAGES + "'");
        }
        return new Command.FetchHistory(f.id, with == null ? f.requiredString("room") : null, with, before, after,
                f.optionalLimit(Command.FetchHistory.MAX_LIMIT), events);
    }

    private static Command.Search search(Fields f) throws ProtocolException {
        String query = f.requiredString("query");
        if (query.isBlank() || query.length() > Command.Search.MAX_QUERY_CHARS) {
            throw f.badRequest("field 'query' must hold a word and at most " + Command.Search.MAX_QUERY_CHARS + " chars");
        }
        Long before = f.optionalLong("before");
        if (before != null && before < 1) {
            throw f.badRequest("field 'before' must be at least 1");
        }
        return new Command.Search(f.id, f.requiredString("room"), query, before,
                f.optionalLimit(Command.Search.MAX_LIMIT));
    }

    private static RequestId readId(JsonNode id) throws ProtocolException {
        if (id == null || id.isNull()) {
            return null;
        }
        if (id.isTextual() && id.textValue().length() <= RequestId.MAX_STRING_LENGTH && isWellFormed(id.textValue())) {
            return RequestId.of(id.textValue());
        }
        if (id.isIntegralNumber() && id.canConvertToLong()) {
            return RequestId.of(id.longValue());
        }
        throw new ProtocolException(ErrorCode.BAD_REQUEST, null,
                "field 'id' must be an integer or a string of at most " + RequestId.MAX_STRING_LENGTH + " chars");
    }

    /**
     * Whether {@code text} is well-formed UTF-16: no unpaired surrogate, which JSON's {@code \\u}
     * escapes can smuggle in and which no UTF-8 client could receive as written.
     */
    public static boolean isWellFormed(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
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
            if (!isWellFormed(node.textValue())) {
                throw badRequest("field '" + name + "' holds an unpaired surrogate");
            }
            return node.textValue();
        }

        boolean requiredBoolean(String name) throws ProtocolException {
            JsonNode node = root.get(name);
            if (node == null || !node.isBoolean()) {
                throw badRequest("field '" + name + "' must be true or false");
            }
            return node.booleanValue();
        }

        /** A boolean field, false when absent or null. */
        boolean optionalBoolean(String name) throws ProtocolException {
            JsonNode node = root.get(name);
            return node != null && !node.isNull() && requiredBoolean(name);
        }

        Long optionalLong(String name) throws ProtocolException {
            return integer(root.get(name), name);
        }

        /** A room event's offset: a positive integer. */
        long requiredOffset(String name) throws ProtocolException {
            Long offset = optionalLong(name);
            if (offset == null || offset < 1) {
                throw badRequest("field '" + name + "' must be a positive integer");
            }
            return offset;
        }

        /** The field {@code limit}, from 1 to {@code max}, or null when absent. */
        Integer optionalLimit(int max) throws ProtocolException {
            Long limit = optionalLong("limit");
            if (limit != null && (limit < 1 || limit > max)) {
                throw badRequest("field 'limit' must be from 1 to " + max);
            }
            return limit == null ? null : limit.intValue();
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
