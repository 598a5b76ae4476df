package dev.sentinel.server.listener;

import java.util.EnumSet;
import java.util.Set;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http2.ErrorCode;
import org.eclipse.jetty.http2.HTTP2Connection;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.frames.ResetFrame;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Callback;

/**
 * Ends an HTTP/2 request that carries a connection-specific header field with RST_STREAM PROTOCOL_ERROR.
 * RFC 9113 §8.2.2 makes such a request malformed; Jetty's HPACK decoder refuses {@code Connection} (except
 * {@code Connection: te}) and a {@code TE} other than {@code trailers}, but lets {@code Transfer-Encoding},
 * {@code Keep-Alive}, {@code Proxy-Connection} and {@code Upgrade} through. A customizer runs before any
 * handler, so the request never reaches routing or an upstream.
 */
final class Http2MalformedRequests implements HttpConfiguration.Customizer {
    private static final Set<HttpHeader> CONNECTION_SPECIFIC = EnumSet.of(HttpHeader.CONNECTION,
            HttpHeader.KEEP_ALIVE, HttpHeader.PROXY_CONNECTION, HttpHeader.TRANSFER_ENCODING, HttpHeader.UPGRADE);

    /** Adds the check to {@code http} once, however many HTTP/2 factories share it. */
    static void install(HttpConfiguration http) {
        if (http.getCustomizer(Http2MalformedRequests.class) == null) {
            http.addCustomizer(new Http2MalformedRequests());
        }
    }

    @Override
    public Request customize(Request request, HttpFields.Mutable responseHeaders) {
        if (request.getConnectionMetaData().getHttpVersion() != HttpVersion.HTTP_2) {
            return request;
        }
        HttpField field = request.getHeaders().stream()
                .filter(f -> f.getHeader() != null && CONNECTION_SPECIFIC.contains(f.getHeader()))
                .findFirst().orElse(null);
        if (field == null) {
            return request;
        }
        // Jetty's HTTP/2 request id is the stream id.
        if (request.getConnectionMetaData().getConnection() instanceof HTTP2Connection connection
                && connection.getSession().getStream(Integer.parseInt(request.getId())) instanceof Stream stream) {
            stream.reset(new ResetFrame(stream.getId(), ErrorCode.PROTOCOL_ERROR.code), Callback.NOOP);
        }
        throw new Refused("Connection-specific header field in HTTP/2: " + field.getName());
    }

    /**
     * Ends the request before any handler. Caused by an {@link Request.Handler.AbortException}, it makes Jetty
     * skip the error response: the client has its answer already, the reset.
     */
    private static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, new Request.Handler.AbortException(message), false, false);
        }
    }
}
