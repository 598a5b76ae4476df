package dev.sentinel.server.forward;

import dev.sentinel.server.config.PoliciesConfig.HeaderOps;
import dev.sentinel.server.limits.TransferCoding;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.ServletContextResponse;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * The headers Sentinel owns on each leg, and the route's header edits. Incoming values of the owned
 * request headers are discarded, never trusted; {@code X-Forwarded-For} is the one that is appended to.
 */
final class ForwardingHeaders {
    static final String X_FORWARDED_BY = "X-Forwarded-By";
    static final String X_TRACE_ID = "X-Trace-Id";
    static final String X_CORRELATION_ID = "X-Correlation-Id";
    static final String FORWARDED_BY_VALUE = "Sentinel";

    /** Request headers Sentinel sets itself; a client's copies are dropped first. */
    private static final List<String> OWNED_REQUEST_HEADERS = List.of(HttpHeader.X_FORWARDED_PROTO.asString(),
            HttpHeader.X_FORWARDED_HOST.asString(), HttpHeader.X_FORWARDED_SERVER.asString(),
            HttpHeader.X_FORWARDED_PORT.asString(), X_FORWARDED_BY, X_TRACE_ID, X_CORRELATION_ID);

    /**
     * A client's protocol-switch request is about its connection to Sentinel, never the upstream's: an
     * {@code Upgrade: h2c} or {@code websocket} reaching a backend could switch the shared upstream connection
     * into a tunnel Sentinel no longer parses (h2c smuggling). Named here, not left to the servlet's hop-by-hop
     * list, which has {@code Upgrade} but not {@code HTTP2-Settings}.
     */
    private static final List<String> PROTOCOL_SWITCH_HEADERS = List.of(HttpHeader.UPGRADE.asString(),
            HttpHeader.HTTP2_SETTINGS.asString());

    private ForwardingHeaders() {
    }

    /** Lower-case names listed in {@code Connection} headers: hop-by-hop by nomination (RFC 9110 §7.6.1). */
    static Set<String> connectionNominated(HttpFields headers) {
        Set<String> names = null;
        for (String value : headers.getValuesList(HttpHeader.CONNECTION)) {
            for (String name : value.split(",")) {
                String trimmed = name.trim().toLowerCase(Locale.ROOT);
                if (!trimmed.isEmpty()) {
                    if (names == null) {
                        names = new HashSet<>();
                    }
                    names.add(trimmed);
                }
            }
        }
        return names == null ? Set.of() : names;
    }

    /** Drops a client's copies of the headers Sentinel owns, and its protocol-switch headers. */
    static void dropOwned(HttpFields.Mutable headers) {
        for (String name : OWNED_REQUEST_HEADERS) {
            headers.remove(name);
        }
        for (String name : PROTOCOL_SWITCH_HEADERS) {
            headers.remove(name);
        }
    }

    /**
     * Sets the forwarding headers on the proxy-to-server request.
     *
     * @param clientForwardedFor the client's own {@code X-Forwarded-For}, as it arrived (before any filter
     *                           could change it), or {@code null}
     */
    static void addForwarding(HttpFields.Mutable headers, String clientForwardedFor, String clientAddress,
                              String scheme, String host, String traceId) {
        String forwardedFor = clientForwardedFor == null ? clientAddress : clientForwardedFor + ", " + clientAddress;
        headers.put(HttpHeader.X_FORWARDED_FOR, forwardedFor);
        headers.put(HttpHeader.X_FORWARDED_PROTO, scheme);
        if (host != null) {
            headers.put(HttpHeader.X_FORWARDED_HOST, host);
        }
        headers.put(X_FORWARDED_BY, FORWARDED_BY_VALUE);
        headers.put(X_TRACE_ID, traceId);
        headers.put(X_CORRELATION_ID, traceId);
    }

    /** Applies a route's edits to the proxy-to-server request: rename, remove, set, add. */
    static void apply(HeaderOps ops, HttpFields.Mutable headers) {
        for (Map.Entry<String, String> rename : ops.rename().entrySet()) {
            List<String> values = headers.getValuesList(rename.getKey());
            if (!values.isEmpty()) {
                headers.remove(rename.getKey());
                values.forEach(v -> headers.add(rename.getValue(), v));
            }
        }
        ops.remove().forEach(headers::remove);
        ops.set().forEach(headers::put);
        ops.add().forEach(headers::add);
    }

    /** Applies a route's edits to the proxy-to-client response, in the same order. */
    static void apply(HeaderOps ops, HttpServletResponse response) {
        for (Map.Entry<String, String> rename : ops.rename().entrySet()) {
            List<String> values = new ArrayList<>(response.getHeaders(rename.getKey()));
            if (!values.isEmpty()) {
                response.setHeader(rename.getKey(), null);
                values.forEach(v -> response.addHeader(rename.getValue(), v));
            }
        }
        ops.remove().forEach(name -> response.setHeader(name, null));
        ops.set().forEach(response::setHeader);
        ops.add().forEach(response::addHeader);
    }

    /**
     * Copies the upstream's response headers, minus hop-by-hop headers ({@code hopHeaders}), those its
     * {@code Connection} header names, and those Sentinel stamped already. {@code Set-Cookie} goes in
     * verbatim: the servlet API would parse and re-serialise it, changing quoted values.
     */
    static void copyResponse(HttpFields serverHeaders, HttpServletResponse proxyResponse, Set<String> hopHeaders) {
        Set<String> nominated = connectionNominated(serverHeaders);
        HttpFields.Mutable proxyHeaders = ServletContextResponse.getServletContextResponse(proxyResponse).getHeaders();
        for (HttpField field : serverHeaders) {
            String name = field.getLowerCaseName();
            if (hopHeaders.contains(name) || nominated.contains(name) || ResponseStamp.isStamped(name)) {
                continue;
            }
            if (field.getHeader() == HttpHeader.SET_COOKIE) {
                proxyHeaders.add(field);
            } else if (field.getHeader() == HttpHeader.DATE) {
                // The origin's date replaces the one Jetty put on every response: a message has one Date.
                proxyHeaders.put(field);
            } else {
                proxyResponse.addHeader(field.getName(), field.getValue());
            }
        }
    }

    /**
     * The upstream client's parser refuses garbage status lines, obs-fold and conflicting lengths itself; this
     * catches a {@code Transfer-Encoding} it reads leniently ({@code ,chunked}, a coding before
     * {@code chunked}), and refuses {@code Transfer-Encoding} with {@code Content-Length} whatever that
     * client's compliance mode: relaying such a body means guessing where it ends.
     */
    static boolean framingInDoubt(HttpFields serverHeaders) {
        List<String> transferEncoding = serverHeaders.getValuesList(HttpHeader.TRANSFER_ENCODING);
        return !transferEncoding.isEmpty() && (serverHeaders.contains(HttpHeader.CONTENT_LENGTH)
                || TransferCoding.of(transferEncoding) != TransferCoding.CHUNKED);
    }
}
