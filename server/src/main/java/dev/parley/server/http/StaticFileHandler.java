package dev.parley.server.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The browser client: files from {@link StaticFiles}, 404 for anything else. Responses carry an
 * ETag and Last-Modified and are revalidated by the browser ({@code no-cache}); a conditional
 * request that matches gets 304. Every response carries a Content-Security-Policy that allows
 * scripts, styles and connections to this origin only, and no inline script. Every file may be read
 * by pages of other origins ({@code Access-Control-Allow-Origin: *}): they are public, and a chat UI
 * served from elsewhere imports {@code /parley.js} as a module, which needs CORS, and so do the
 * modules under {@code /parley/} that it imports in turn.
 *
 * <p>It answers every path no earlier endpoint took, so it sits last among them.
 */
@ChannelHandler.Sharable
public final class StaticFileHandler extends HttpEndpoint {
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; "
            + "frame-ancestors 'none'";

    private final StaticFiles files;
    /** Files change only with a new build, so the start of this process is when they were last modified. */
    private final String lastModified = DateTimeFormatter.RFC_1123_DATE_TIME.format(
            ZonedDateTime.now(ZoneOffset.UTC).withNano(0));

    public StaticFileHandler(StaticFiles files) {
        this.files = files;
    }

    @Override
    boolean handles(String path) {
        return true;
    }

    @Override
    void serve(ChannelHandlerContext ctx, FullHttpRequest request, String path) {
        StaticFiles.File file = files.lookup(path);
        if (file == null) {
            send(ctx, request, text(HttpResponseStatus.NOT_FOUND, "not found\n"));
            return;
        }
        FullHttpResponse response = notModified(request.headers(), file.etag())
                ? response(HttpResponseStatus.NOT_MODIFIED, file.contentType(), new byte[0])
                : response(HttpResponseStatus.OK, file.contentType(), file.content());
        if (response.status().equals(HttpResponseStatus.NOT_MODIFIED)) {
            response.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
        }
        response.headers()
                .set(HttpHeaderNames.ETAG, file.etag())
                .set(HttpHeaderNames.LAST_MODIFIED, lastModified)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                .set(HttpHeaderNames.CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY)
                .set("Referrer-Policy", "no-referrer")
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        send(ctx, request, response);
    }

    private boolean notModified(HttpHeaders headers, String etag) {
        String ifNoneMatch = headers.get(HttpHeaderNames.IF_NONE_MATCH);
        if (ifNoneMatch != null) {
            return ifNoneMatch.contains(etag) || ifNoneMatch.trim().equals("*");
        }
        return lastModified.equals(headers.get(HttpHeaderNames.IF_MODIFIED_SINCE));
    }
}
