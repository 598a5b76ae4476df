package dev.sentinel.server.forward;

import dev.sentinel.server.config.PoliciesConfig.HeaderOps;
import dev.sentinel.server.limits.TransferCoding;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.PreEncodedHttpField;

/**
 * The headers Sentinel owns on each leg, and the route's header edits. Incoming values of the owned
 * request headers are discarded, never trusted; {@code X-Forwarded-For} is the one that is appended to.
 */
final class ForwardingHeaders {
    static final String X_FORWARDED_BY = "X-Forwarded-By";
    static final String X_TRACE_ID = "X-Trace-Id";
    static final String X_CORRELATION_ID = "X-Correlation-Id";
    static final String FORWARDED_BY_VALUE = "Sentinel";
    /** Pre-encoded: Jetty's generator then copies its bytes instead of checking each character. */
    private static final HttpField FORWARDED_BY = new PreEncodedHttpField(X_FORWARDED_BY, FORWARDED_BY_VALUE);

    /** Hop-by-hop headers (RFC 9110 §7.6.1, and the proxy ones), never relayed on either leg. */
    private static final Set<HttpHeader> HOP_BY_HOP = EnumSet.of(HttpHeader.CONNECTION, HttpHeader.KEEP_ALIVE,
            HttpHeader.PROXY_AUTHORIZATION, HttpHeader.PROXY_AUTHENTICATE, HttpHeader.PROXY_CONNECTION,
            HttpHeader.TRANSFER_ENCODING, HttpHeader.TE, HttpHeader.TRAILER, HttpHeader.UPGRADE);

    /**
     * Request headers never copied from the client: hop-by-hop ones; those Sentinel sets itself (a client's
     * copies are discarded, never trusted); and protocol-switch requests, which are about the client's
     * connection to Sentinel, never the upstream's: an {@code Upgrade: h2c} or {@code websocket} reaching a
     * backend could switch the shared upstream connection into a tunnel Sentinel no longer parses (h2c
     * smuggling), so {@code HTTP2-Settings} goes too.
     */
    private static final Set<HttpHeader> DROPPED_REQUEST_HEADERS = dropped();

    /** Owned request headers Jetty has no constant for, by lower-case name. */
    private static final Set<String> OWNED_CUSTOM_HEADERS = Set.of(X_FORWARDED_BY.toLowerCase(Locale.ROOT),
            X_TRACE_ID.toLowerCase(Locale.ROOT), X_CORRELATION_ID.toLowerCase(Locale.ROOT));

    private static Set<HttpHeader> dropped() {
        EnumSet<HttpHeader> dropped = EnumSet.copyOf(HOP_BY_HOP);
        dropped.addAll(List.of(HttpHeader.X_FORWARDED_PROTO, HttpHeader.X_FORWARDED_HOST,
                HttpHeader.X_FORWARDED_SERVER, HttpHeader.X_FORWARDED_PORT, HttpHeader.HTTP2_SETTINGS));
        return dropped;
    }

    private ForwardingHeaders() {
    }

    /**
     * Lower-case names listed in {@code Connection} headers: hop-by-hop by nomination (RFC 9110 §7.6.1).
     * The options {@code keep-alive} and {@code close} name no header that would be relayed ({@code Keep-Alive}
     * is hop-by-hop anyway), so the usual {@code Connection: keep-alive} costs no set.
     */
    static Set<String> connectionNominated(HttpFields headers) {
        Set<String> names = null;
        for (HttpField field : headers) {
            if (field.getHeader() != HttpHeader.CONNECTION) {
                continue;
            }
            String value = field.getValue();
            if (value.equalsIgnoreCase("keep-alive") || value.equalsIgnoreCase("close")) {
                continue;
            }
            for (String name : value.split(",")) {
                String trimmed = name.trim().toLowerCase(Locale.ROOT);
                if (!trimmed.isEmpty() && !trimmed.equals("keep-alive") && !trimmed.equals("close")) {
                    if (names == null) {
                        names = new HashSet<>();
                    }
                    names.add(trimmed);
                }
            }
        }
        return names == null ? Set.of() : names;
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
        headers.put(FORWARDED_BY);
        headers.put(X_TRACE_ID, traceId);
        headers.put(X_CORRELATION_ID, traceId);
    }

    /** Applies a route's header edits, to either leg: rename, remove, set, add. */
    static void apply(HeaderOps ops, HttpFields.Mutable headers) {
        if (ops.isEmpty()) {
            return;
        }
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

    /**
     * Copies the client's request headers to the proxy-to-server request, minus hop-by-hop headers, those
     * its {@code Connection} header names, the headers Sentinel owns, protocol-switch headers, and
     * {@code Expect} (Sentinel answers {@code 100-continue} itself, as nginx does). {@code Host} is kept.
     */
    static void copyRequest(HttpFields clientHeaders, HttpFields.Mutable proxyHeaders) {
        Set<String> nominated = connectionNominated(clientHeaders);
        for (HttpField field : clientHeaders) {
            HttpHeader header = field.getHeader();
            if (header != null ? DROPPED_REQUEST_HEADERS.contains(header) || header == HttpHeader.EXPECT
                    : OWNED_CUSTOM_HEADERS.contains(field.getLowerCaseName())) {
                continue;
            }
            if (!nominated.isEmpty() && nominated.contains(field.getLowerCaseName())) {
                continue;
            }
            proxyHeaders.add(field);
        }
    }

    /**
     * Copies the upstream's response headers, minus hop-by-hop headers and those its {@code Connection}
     * header names, verbatim ({@code Set-Cookie} stays as the origin wrote it). The response already carries
     * Sentinel's stamp: the upstream's correlation id is dropped, while its own {@code Date},
     * {@code X-Content-Type-Options} and {@code X-Frame-Options} replace the defaults (a message has one
     * Date). Headers a plugin set on the response ({@code pluginSet}, lower-case names) keep the plugin's value.
     */
    static void copyResponse(HttpFields serverHeaders, HttpFields.Mutable proxyHeaders, Set<String> pluginSet) {
        Set<String> nominated = connectionNominated(serverHeaders);
        for (HttpField field : serverHeaders) {
            HttpHeader header = field.getHeader();
            if (header != null && HOP_BY_HOP.contains(header)
                    || !nominated.isEmpty() && nominated.contains(field.getLowerCaseName())) {
                continue;
            }
            String name = field.getLowerCaseName();
            if (!pluginSet.isEmpty() && pluginSet.contains(name)) {
                continue;
            }
            if (header == HttpHeader.DATE || ResponseStamp.isReplaceable(name)) {
                proxyHeaders.put(field);
            } else if (!ResponseStamp.isStamped(name)) {
                proxyHeaders.add(field);
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
