package dev.parley.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;

/**
 * Reads the command of nearly every frame, a well-formed {@code send}, with the streaming parser
 * straight into {@link Command.Send}, without a tree. It answers only what it can accept: for
 * anything else (another type, a field it would refuse, JSON that is not one object) it returns
 * null and {@link CommandDecoder} decodes the frame the generic way, which has every error code.
 */
final class SendReader {
    private static final JsonFactory FACTORY = ParleyJson.mapper().getFactory();

    private SendReader() {
    }

    /** The {@code send} in {@code json}, or null when it is not one the generic decoder would accept. */
    static Command.Send read(byte[] json, int offset, int length) {
        try (JsonParser parser = FACTORY.createParser(json, offset, length)) {
            return read(parser);
        } catch (IOException e) {
            return null;
        }
    }

    private static Command.Send read(JsonParser parser) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            return null;
        }
        boolean send = false;
        RequestId id = null;
        String room = null;
        String text = null;
        String nonce = null;
        Long replyTo = null;
        for (JsonToken name = parser.nextToken(); name == JsonToken.FIELD_NAME; name = parser.nextToken()) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "type" -> send = value == JsonToken.VALUE_STRING && parser.getText().equals("send");
                case "id" -> {
                    if (value == JsonToken.VALUE_NULL) {
                        id = null;
                    } else if (value == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                        id = RequestId.of(parser.getLongValue());
                    } else {
                        String idText = string(value, parser);
                        if (idText == null || idText.length() > RequestId.MAX_STRING_LENGTH) {
                            return null;
                        }
                        id = RequestId.of(idText);
                    }
                }
                case "room" -> room = string(value, parser);
                case "text" -> text = string(value, parser);
                case "nonce" -> {
                    if (value == JsonToken.VALUE_NULL) {
                        nonce = null;
                    } else {
                        nonce = string(value, parser);
                        if (nonce == null || nonce.isEmpty() || nonce.length() > Command.Send.MAX_NONCE_CHARS) {
                            return null;
                        }
                    }
                }
                case "replyTo" -> {
                    if (value == JsonToken.VALUE_NULL) {
                        replyTo = null;
                    } else if (value == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER
                            && parser.getLongValue() >= 1) {
                        replyTo = parser.getLongValue();
                    } else {
                        return null;
                    }
                }
                default -> parser.skipChildren();
            }
        }
        if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null
                || !send || room == null || text == null) {
            return null;
        }
        return new Command.Send(id, room, text, nonce, replyTo);
    }

    /** A well-formed string value, or null for anything else (a null value included). */
    private static String string(JsonToken value, JsonParser parser) throws IOException {
        if (value != JsonToken.VALUE_STRING) {
            return null;
        }
        String text = parser.getText();
        return CommandDecoder.isWellFormed(text) ? text : null;
    }
}
