package dev.sentinel.server.forward;

import dev.sentinel.server.config.PoliciesConfig;
import dev.sentinel.server.filter.ResponsePhase;
import dev.sentinel.server.health.RouteGuard;
import dev.sentinel.server.log.RequestFacts;
import dev.sentinel.server.upstream.UpstreamPool;

/**
 * What the request path decided before forwarding, handed to the {@link ForwardingEngine}.
 *
 * @param routeGuard      the route's breaker and retry budget, or {@code null}
 * @param facts           what the access log will say of the request
 * @param securityHeaders add nosniff/DENY to responses that lack them
 * @param responsePhase   the route's filters' response phase, owed to the response head
 * @param clientAuthority the host (and port) the client asked for, before any filter changed it
 * @param clientForwardedFor the client's {@code X-Forwarded-For} values joined, before any filter changed
 *                           them, or {@code null}
 */
public record ForwardRequest(String routeId, UpstreamPool pool, PoliciesConfig policies, RouteGuard routeGuard,
                             String traceId, RequestFacts facts, boolean securityHeaders, ResponsePhase responsePhase,
                             String clientAuthority, String clientForwardedFor) {
}
