package dev.sentinel.server.forward;

import dev.sentinel.server.config.PoliciesConfig;
import dev.sentinel.server.filter.ResponsePhase;
import dev.sentinel.server.upstream.UpstreamPool;

/**
 * What the request path decided before forwarding, handed to the engine as a request attribute.
 *
 * @param securityHeaders add nosniff/DENY to responses that lack them
 * @param responsePhase   the route's filters' response phase, owed to the response head
 * @param clientAuthority the host (and port) the client asked for, before any filter changed it
 * @param clientForwardedFor the client's {@code X-Forwarded-For} values joined, before any filter changed
 *                           them, or {@code null}
 */
public record ForwardRequest(String routeId, UpstreamPool pool, PoliciesConfig policies, String traceId,
                             boolean securityHeaders, ResponsePhase responsePhase, String clientAuthority,
                             String clientForwardedFor) {
    public static final String ATTRIBUTE = ForwardRequest.class.getName();
}
