package dev.sentinel.spi;

import java.nio.ByteBuffer;

/**
 * An in-process inspection agent, in the spirit of HAProxy's SPOE and Envoy's {@code ext_proc}: it is
 * shown the events of a request that its configuration subscribes to ({@code events "request_headers"
 * "request_body" "response_headers"}) and answers each with a {@link Decision}, optionally with header
 * changes ({@link HeaderEdits}).
 *
 * <p><b>Enforced by the server.</b> Every call runs with the agent's {@code timeout-ms}. A call that
 * throws or overruns counts as a failure: with {@code failure-mode "open"} the request goes on as if
 * allowed, with {@code "closed"} it is answered 503. A late call's edits and decision are discarded.
 * The agent is not trusted to police itself.
 *
 * <p><b>Threading.</b> One instance serves every request, concurrently. Calls may block: each runs on a
 * virtual thread of its own, and is interrupted when its time is up.
 *
 * <pre>
 * public Decision onRequestHeaders(Exchange request, HeaderEdits edits) {
 *     String user = tokens.verify(request.header("Authorization"));
 *     if (user == null) {
 *         return Decision.deny(401, "invalid token");
 *     }
 *     edits.setRequestHeader("X-User", user);
 *     return Decision.allow();
 * }
 * </pre>
 */
public interface Agent {
    /** The request's head arrived: allow it (with header changes), or answer it. */
    default Decision onRequestHeaders(Exchange request, HeaderEdits edits) throws Exception {
        return Decision.allow();
    }

    /**
     * One chunk of the request body, in order; {@code last} marks the final one (possibly empty). The body
     * is held by the server until every chunk was allowed, so a block stops the request before the upstream
     * sees any of it. The buffer is read-only and valid only during the call.
     */
    default Decision onRequestBody(Exchange request, ByteBuffer chunk, boolean last, HeaderEdits edits)
            throws Exception {
        return Decision.allow();
    }

    /** The upstream's response head arrived: allow it (with header changes), or replace it with a reply. */
    default Decision onResponseHeaders(Exchange request, ResponseHead response, HeaderEdits edits)
            throws Exception {
        return Decision.allow();
    }
}
