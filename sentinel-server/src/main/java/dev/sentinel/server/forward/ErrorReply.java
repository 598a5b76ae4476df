package dev.sentinel.server.forward;

import dev.sentinel.server.error.ErrorResponses;
import dev.sentinel.server.filter.FilterExchange;
import dev.sentinel.server.filter.Replies;
import dev.sentinel.spi.Decision;
import java.io.IOException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * What the client gets when its request could not be relayed: Sentinel's JSON error (502, 504, 413, …)
 * with its own stamp, the response headers plugins added or set, and the filters' response phase, an
 * agent's replacement reply, or, once response bytes went out, a cut connection.
 */
final class ErrorReply {
    private ErrorReply() {
    }

    /**
     * Completes {@code callback} with the reply; {@code failure} is what went wrong, or {@code null}.
     *
     * @param exchange the plugins' view of the request, whose response header changes the reply repeats
     */
    static void write(Request request, Response response, Callback callback, int status, ForwardRequest forward,
                      FilterExchange exchange, Throwable failure) {
        if (response.isCommitted()) {
            // Bytes already reached the client: cut the connection so a truncated body never looks whole.
            callback.failed(failure != null ? failure : new IOException("upstream exchange failed with " + status));
            return;
        }
        // An upstream response that failed after its head arrived (a bad chunk, say) already had its
        // headers copied: none of it may ride on the error, so start again from Sentinel's own stamp and
        // what the plugins asked for.
        response.reset();
        ResponseStamp.stamp(response.getHeaders(), forward.traceId(), forward.securityHeaders());
        exchange.replayResponseHeaders(response.getHeaders());
        Decision replacement = Replies.replacement(request);
        if (replacement != null) {
            // The agent's reply replaces the upstream's, which went through the response phase already.
            Replies.write(replacement, response, callback, forward.traceId());
            return;
        }
        response.setStatus(status);
        forward.responsePhase().apply(response);
        ErrorResponses.write(response, callback, status, forward.traceId(), true);
    }
}
