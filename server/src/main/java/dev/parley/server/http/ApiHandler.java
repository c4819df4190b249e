package dev.parley.server.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.parley.protocol.CommandDecoder;
import dev.parley.protocol.Command;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.Names;
import dev.parley.protocol.ParleyJson;
import dev.parley.protocol.ServerEvent;
import dev.parley.server.backend.UnavailableException;
import dev.parley.server.broker.RoomAction;
import dev.parley.server.broker.RoomActionRefused;
import dev.parley.server.node.Node;
import dev.parley.server.node.PublishHook;
import io.netty.buffer.ByteBufInputStream;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The server API for backends, under {@code /api/}: publish into a room, delete a room's message,
 * send a direct message, disconnect a nick, list rooms and a room's members. Every request must carry
 * {@code Authorization: Bearer <key>}, compared in constant time; bodies and replies are JSON,
 * errors {@code {"code":…,"message":…}} with the protocol's codes. Bodies are bounded by the
 * pipeline's aggregator. Everything goes through the {@link Node}, as a session's commands do.
 *
 * <p>Only in the pipeline when an API key is configured.
 */
@ChannelHandler.Sharable
public final class ApiHandler extends ChannelInboundHandlerAdapter {
    public static final String PREFIX = "/api/";
    /** Who a message from the API is from when the request names nobody. */
    public static final String DEFAULT_FROM = "system";
    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
    private static final ObjectReader BODY_READER = ParleyJson.mapper().reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final String MEMBERS_SUFFIX = "/members";

    private final byte[] key;
    private final Node node;
    private final int maxTextChars;

    public ApiHandler(String apiKey, Node node, int maxTextChars) {
        this.key = ("Bearer " + apiKey).getBytes(StandardCharsets.UTF_8);
        this.node = node;
        this.maxTextChars = maxTextChars;
    }

    /** A request the API refuses: the HTTP status and the protocol's error code. */
    private static final class ApiError extends Exception {
        final HttpResponseStatus status;
        final ErrorCode code;

        ApiError(HttpResponseStatus status, ErrorCode code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }
    }

    private record ErrorBody(ErrorCode code, String message) {
    }

    private record PublishReply(String room, long offset, String epoch, long ts) {
    }

    private record DmReply(String to, long ts) {
    }

    private record DeleteReply(String room, long offset, long target, long ts) {
    }

    private record DisconnectReply(String nick) {
    }

    private record RoomsReply(List<ServerEvent.RoomInfo> rooms) {
    }

    private record MembersReply(String room, List<String> members, String next) {
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)
                || !new QueryStringDecoder(request.uri()).path().startsWith(PREFIX)) {
            ctx.fireChannelRead(msg);
            return;
        }
        CompletableFuture<?> reply;
        try {
            reply = serve(request, new QueryStringDecoder(request.uri()).path());
        } catch (ApiError e) {
            reply = CompletableFuture.failedFuture(e);
        } finally {
            request.release();
        }
        reply.whenComplete((body, failure) -> ctx.writeAndFlush(failure == null
                ? json(HttpResponseStatus.OK, body) : error(failure)));
    }

    private CompletableFuture<?> serve(FullHttpRequest request, String path) throws ApiError {
        byte[] presented = request.headers().get(HttpHeaderNames.AUTHORIZATION, "").getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(presented, key)) {
            throw new ApiError(HttpResponseStatus.UNAUTHORIZED, ErrorCode.UNAUTHORIZED, "a valid API key is required");
        }
        String endpoint = path.substring(PREFIX.length());
        if (endpoint.equals("publish") || endpoint.equals("dm") || endpoint.equals("disconnect")
                || endpoint.equals("delete")) {
            requireMethod(request, HttpMethod.POST);
            JsonNode body = body(request);
            return switch (endpoint) {
                case "publish" -> publish(body);
                case "dm" -> directMessage(body);
                case "delete" -> delete(body);
                default -> disconnect(body);
            };
        }
        if (endpoint.equals("rooms")) {
            requireMethod(request, HttpMethod.GET);
            return node.rooms().thenApply(RoomsReply::new);
        }
        if (endpoint.startsWith("rooms/") && endpoint.endsWith(MEMBERS_SUFFIX)) {
            requireMethod(request, HttpMethod.GET);
            String room = endpoint.substring("rooms/".length(), endpoint.length() - MEMBERS_SUFFIX.length());
            validRoom(room);
            Map<String, List<String>> query = new QueryStringDecoder(request.uri()).parameters();
            String after = query.containsKey("after") ? query.get("after").get(0) : null;
            int limit = memberLimit(query.get("limit"));
            return node.members(room, after, limit).thenApply(page -> new MembersReply(room, page.members(), page.next()));
        }
        throw new ApiError(HttpResponseStatus.NOT_FOUND, ErrorCode.BAD_REQUEST, "no endpoint " + path);
    }

    private CompletableFuture<PublishReply> publish(JsonNode body) throws ApiError {
        String room = validRoom(string(body, "room", true));
        String text = validText(string(body, "text", true));
        String from = from(body);
        PublishHook hook = node.hooks().publishHook();
        CompletableFuture<String> approved = hook != null && hook.askedByApi()
                ? hook.check(room, from, text, null, null) : CompletableFuture.completedFuture(text);
        return approved.thenCompose(approvedText -> node.publish(from, room, approvedText)).thenApply(published ->
                new PublishReply(room, published.message().offset(), published.epoch(), published.message().ts()));
    }

    /** Deletes anyone's message, as a moderator does; the delete event's {@code from} is {@value #DEFAULT_FROM}. */
    private CompletableFuture<DeleteReply> delete(JsonNode body) throws ApiError {
        String room = validRoom(string(body, "room", true));
        JsonNode offset = body.get("offset");
        if (offset == null || !offset.isIntegralNumber() || !offset.canConvertToLong() || offset.longValue() < 1) {
            throw badRequest(ErrorCode.BAD_REQUEST, "field 'offset' must be a positive integer");
        }
        if (!node.features().contains(RoomAction.DELETE)) {
            throw new ApiError(HttpResponseStatus.NOT_IMPLEMENTED, ErrorCode.UNSUPPORTED, "this server does not offer 'delete'");
        }
        return node.publish(new RoomAction.Delete(room, DEFAULT_FROM, offset.longValue(), true)).thenApply(deleted -> {
            ServerEvent.RoomEvent event = deleted.orElseThrow();
            return new DeleteReply(room, event.offset(), offset.longValue(), event.ts());
        });
    }

    private CompletableFuture<DmReply> directMessage(JsonNode body) throws ApiError {
        String to = validNick(string(body, "to", true));
        String text = validText(string(body, "text", true));
        return node.direct(from(body), to, text).thenApply(ts -> {
            if (ts == null) {
                throw new CompletionException(new ApiError(HttpResponseStatus.NOT_FOUND, ErrorCode.NO_SUCH_USER,
                        "no user '" + to + "' is online"));
            }
            return new DmReply(to, ts);
        });
    }

    /** Closes the user's sessions on every node; 404 when no node had one. */
    private CompletableFuture<DisconnectReply> disconnect(JsonNode body) throws ApiError {
        String nick = validNick(string(body, "nick", true));
        String reason = string(body, "reason", false);
        return node.disconnect(nick).thenApply(found -> {
            if (!found) {
                throw new CompletionException(new ApiError(HttpResponseStatus.NOT_FOUND, ErrorCode.NO_SUCH_USER,
                        "no user '" + nick + "' is online"));
            }
            LOG.info("server API disconnected '{}'{}", nick, reason == null ? "" : ": " + reason);
            return new DisconnectReply(nick);
        });
    }

    private static void requireMethod(FullHttpRequest request, HttpMethod method) throws ApiError {
        if (!request.method().equals(method)) {
            throw new ApiError(HttpResponseStatus.METHOD_NOT_ALLOWED, ErrorCode.BAD_REQUEST, "use " + method);
        }
    }

    private static JsonNode body(FullHttpRequest request) throws ApiError {
        JsonNode body;
        try {
            body = BODY_READER.readTree((InputStream) new ByteBufInputStream(request.content()));
        } catch (JacksonException | CharConversionException e) {
            // CharConversionException: bytes Jackson takes for another encoding than UTF-8
            body = null;
        } catch (IOException e) {
            throw new IllegalStateException("reading an in-memory body failed", e);
        }
        if (body == null || !body.isObject()) {
            throw new ApiError(HttpResponseStatus.BAD_REQUEST, ErrorCode.BAD_JSON, "the body must be one JSON object");
        }
        return body;
    }

    private static String string(JsonNode body, String field, boolean required) throws ApiError {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw badRequest(ErrorCode.BAD_REQUEST, "field '" + field + "' is required");
            }
            return null;
        }
        if (!node.isTextual()) {
            throw badRequest(ErrorCode.BAD_REQUEST, "field '" + field + "' must be a string");
        }
        if (!CommandDecoder.isWellFormed(node.textValue())) {
            throw badRequest(ErrorCode.BAD_REQUEST, "field '" + field + "' holds an unpaired surrogate");
        }
        return node.textValue();
    }

    private static String from(JsonNode body) throws ApiError {
        String from = string(body, "from", false);
        return from == null ? DEFAULT_FROM : validNick(from);
    }

    private static String validRoom(String room) throws ApiError {
        if (!Names.isValidRoom(room)) {
            throw badRequest(ErrorCode.ROOM_INVALID, "a room name is 1 to " + Names.MAX_ROOM_LENGTH
                    + " letters, digits, '_', '-' or '.'");
        }
        return room;
    }

    private static String validNick(String nick) throws ApiError {
        if (!Names.isValidNick(nick)) {
            throw badRequest(ErrorCode.NICK_INVALID, "a nick is 1 to " + Names.MAX_NICK_LENGTH
                    + " letters, digits, '_', '-' or '.'");
        }
        return nick;
    }

    private String validText(String text) throws ApiError {
        if (text.isEmpty()) {
            throw badRequest(ErrorCode.BAD_REQUEST, "field 'text' must not be empty");
        }
        if (text.length() > maxTextChars && text.codePointCount(0, text.length()) > maxTextChars) {
            throw badRequest(ErrorCode.TEXT_TOO_LONG, "at most " + maxTextChars + " characters");
        }
        return text;
    }

    /** The {@code limit} of a member page, as {@code who} takes it: 1 to {@value Command.Who#MAX_LIMIT}, by default the most. */
    private static int memberLimit(List<String> values) throws ApiError {
        if (values == null) {
            return Command.Who.MAX_LIMIT;
        }
        try {
            int limit = Integer.parseInt(values.get(0));
            if (limit >= 1 && limit <= Command.Who.MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException notANumber) {
            // answered below
        }
        throw badRequest(ErrorCode.BAD_REQUEST, "limit must be from 1 to " + Command.Who.MAX_LIMIT);
    }

    private static ApiError badRequest(ErrorCode code, String message) {
        return new ApiError(HttpResponseStatus.BAD_REQUEST, code, message);
    }

    private static FullHttpResponse error(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof ApiError e) {
            FullHttpResponse response = json(e.status, new ErrorBody(e.code, e.getMessage()));
            if (e.status.equals(HttpResponseStatus.UNAUTHORIZED)) {
                response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
            }
            return response;
        }
        if (cause instanceof RoomActionRefused refused) {
            HttpResponseStatus status = refused.code() == ErrorCode.NOT_FOUND ? HttpResponseStatus.NOT_FOUND
                    : HttpResponseStatus.BAD_REQUEST;
            return json(status, new ErrorBody(refused.code(), refused.getMessage()));
        }
        if (cause instanceof UnavailableException) {
            return json(HttpResponseStatus.SERVICE_UNAVAILABLE, new ErrorBody(ErrorCode.UNAVAILABLE, cause.getMessage()));
        }
        LOG.warn("server API request failed", cause);
        return json(HttpResponseStatus.INTERNAL_SERVER_ERROR, new ErrorBody(ErrorCode.INTERNAL, "internal error"));
    }

    private static FullHttpResponse json(HttpResponseStatus status, Object body) {
        FullHttpResponse response = HttpEndpoint.response(status, "application/json",
                ParleyJson.write(body).getBytes(StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        return response;
    }
}
