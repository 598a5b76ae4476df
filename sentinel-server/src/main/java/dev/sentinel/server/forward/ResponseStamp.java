package dev.sentinel.server.forward;

import java.util.Locale;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.PreEncodedHttpField;

/**
 * The headers Sentinel puts on every response, proxied or its own: the correlation id, and by default
 * {@code X-Content-Type-Options: nosniff} and {@code X-Frame-Options: DENY}. An upstream that sends its
 * own X-Content-Type-Options or X-Frame-Options keeps its value.
 */
public final class ResponseStamp {
    static final String X_CONTENT_TYPE_OPTIONS = "X-Content-Type-Options";
    static final String X_FRAME_OPTIONS = "X-Frame-Options";
    /** Pre-encoded: Jetty's generator then copies their bytes instead of checking each character. */
    private static final HttpField NOSNIFF = new PreEncodedHttpField(X_CONTENT_TYPE_OPTIONS, "nosniff");
    private static final HttpField DENY = new PreEncodedHttpField(X_FRAME_OPTIONS, "DENY");
    private static final String X_CORRELATION_ID_LOWER = ForwardingHeaders.X_CORRELATION_ID.toLowerCase(Locale.ROOT);
    private static final String X_CONTENT_TYPE_OPTIONS_LOWER = X_CONTENT_TYPE_OPTIONS.toLowerCase(Locale.ROOT);
    private static final String X_FRAME_OPTIONS_LOWER = X_FRAME_OPTIONS.toLowerCase(Locale.ROOT);

    private ResponseStamp() {
    }

    /** Stamps a response before anything else writes to it. */
    public static void stamp(HttpFields.Mutable responseHeaders, String traceId, boolean securityHeaders) {
        responseHeaders.put(ForwardingHeaders.X_CORRELATION_ID, traceId);
        if (securityHeaders) {
            responseHeaders.put(NOSNIFF);
            responseHeaders.put(DENY);
        }
    }

    /** Whether an upstream's header of this (lower-case) name is dropped for Sentinel's: the correlation id. */
    static boolean isStamped(String lowerCaseName) {
        return lowerCaseName.equals(X_CORRELATION_ID_LOWER);
    }

    /** Whether an upstream's header of this (lower-case) name replaces Sentinel's default: its own policies. */
    static boolean isReplaceable(String lowerCaseName) {
        return lowerCaseName.equals(X_CONTENT_TYPE_OPTIONS_LOWER) || lowerCaseName.equals(X_FRAME_OPTIONS_LOWER);
    }
}
