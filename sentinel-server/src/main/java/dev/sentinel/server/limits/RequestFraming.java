package dev.sentinel.server.limits;

import java.util.List;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Request;

/**
 * The request checks Jetty's parser leaves to Sentinel: a request whose body framing, or whose method, could
 * be read one way here and another way by an upstream is refused before routing, and its connection closed.
 * What the parser already refuses (bad or conflicting {@code Content-Length}, {@code Transfer-Encoding} with
 * {@code Content-Length}, malformed header lines, missing or repeated {@code Host}) never gets this far: see
 * {@code listener.HttpCompliancePolicy}.
 */
public final class RequestFraming {
    /**
     * The methods a 405 advertises: the standard ones Sentinel forwards (a route may narrow them). TRACE is
     * left out on purpose: it is forwarded when a route allows it, but never advertised.
     */
    public static final String ALLOWED_METHODS = "GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS";

    private static final Refusal CONNECT = new Refusal(405, "connect_method", ALLOWED_METHODS);
    private static final Refusal TE_ON_HTTP10 = new Refusal(400, "transfer_encoding_http10", null);
    private static final Refusal TE_MALFORMED = new Refusal(400, "transfer_encoding_malformed", null);
    private static final Refusal TE_UNSUPPORTED = new Refusal(501, "transfer_encoding_unsupported", null);

    private RequestFraming() {
    }

    /** The refusal for this request, or {@code null} when it may go on to routing. */
    public static Refusal check(Request request) {
        return check(request.getMethod(), request.getConnectionMetaData().getHttpVersion(), request.getHeaders());
    }

    /** {@link #check(Request)} on the request's parts. */
    public static Refusal check(String method, HttpVersion version, HttpFields headers) {
        // Sentinel is a reverse proxy, not a tunnel: a CONNECT forwarded upstream would ask a backend to open
        // connections on a client's behalf, and whatever bytes follow it are no HTTP request.
        if (HttpMethod.CONNECT.is(method)) {
            return CONNECT;
        }
        List<String> transferEncoding = headers.getValuesList(HttpHeader.TRANSFER_ENCODING);
        if (transferEncoding.isEmpty()) {
            return null;
        }
        // RFC 9112 §6.1: HTTP/1.0 has no transfer codings, so the framing is faulty even with a Content-Length.
        if (version == HttpVersion.HTTP_1_0) {
            return TE_ON_HTTP10;
        }
        return switch (TransferCoding.of(transferEncoding)) {
            case CHUNKED -> null;
            case MALFORMED -> TE_MALFORMED;
            case UNSUPPORTED -> TE_UNSUPPORTED;
        };
    }
}
