package dev.sentinel.server.forward;

import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;

/**
 * The headers Sentinel puts on every response, proxied or its own: the correlation id, and by default
 * {@code X-Content-Type-Options: nosniff} and {@code X-Frame-Options: DENY}. An upstream that sends its
 * own X-Content-Type-Options or X-Frame-Options keeps its value.
 */
public final class ResponseStamp {
    static final String X_CONTENT_TYPE_OPTIONS = "X-Content-Type-Options";
    static final String X_FRAME_OPTIONS = "X-Frame-Options";

    private ResponseStamp() {
    }

    /** Stamps a response before anything else writes to it. */
    public static void stamp(HttpFields.Mutable responseHeaders, String traceId, boolean securityHeaders) {
        responseHeaders.put(ForwardingHeaders.X_CORRELATION_ID, traceId);
        if (securityHeaders) {
            responseHeaders.put(X_CONTENT_TYPE_OPTIONS, "nosniff");
            responseHeaders.put(X_FRAME_OPTIONS, "DENY");
        }
    }

    static boolean isStamped(String headerName) {
        return ForwardingHeaders.X_CORRELATION_ID.equalsIgnoreCase(headerName)
                || X_CONTENT_TYPE_OPTIONS.equalsIgnoreCase(headerName) || X_FRAME_OPTIONS.equalsIgnoreCase(headerName);
    }

    /** An upstream's own content-type and framing policies replace the defaults. */
    static void adoptUpstreamPolicies(HttpFields serverResponseHeaders, HttpServletResponse proxyResponse) {
        for (String name : new String[] {X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS}) {
            HttpField field = serverResponseHeaders.getField(name);
            if (field != null) {
                proxyResponse.setHeader(name, field.getValue());
            }
        }
    }
}
