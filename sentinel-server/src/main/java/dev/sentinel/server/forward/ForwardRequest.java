package dev.sentinel.server.forward;

import dev.sentinel.server.config.PoliciesConfig;
import dev.sentinel.server.upstream.UpstreamPool;

/**
 * What the request path decided before forwarding, handed to the engine as a request attribute.
 *
 * @param securityHeaders add nosniff/DENY to responses that lack them
 */
public record ForwardRequest(String routeId, UpstreamPool pool, PoliciesConfig policies, String traceId,
                             boolean securityHeaders) {
    public static final String ATTRIBUTE = ForwardRequest.class.getName();
}
