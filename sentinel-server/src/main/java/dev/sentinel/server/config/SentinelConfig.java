package dev.sentinel.server.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A whole, validated configuration: what one {@code sentinel.kdl} describes.
 *
 * @param source   where it was read from (a path, or {@code "embedded:sentinel.kdl"})
 * @param sha256   hex SHA-256 of the text it was read from: tells which version of a file is running
 * @param upstreams upstream pools by id, in declaration order
 * @param filters  filter definitions by id, in declaration order
 * @param agents   agent definitions by id, in declaration order
 */
public record SentinelConfig(
        String source,
        String sha256,
        SystemConfig system,
        List<ListenerConfig> listeners,
        List<RouteConfig> routes,
        Map<String, UpstreamConfig> upstreams,
        Map<String, FilterConfig> filters,
        Map<String, AgentConfig> agents,
        LimitsConfig limits,
        ObservabilityConfig observability) {

    public SentinelConfig {
        listeners = List.copyOf(listeners);
        routes = List.copyOf(routes);
        upstreams = Collections.unmodifiableMap(new LinkedHashMap<>(upstreams));
        filters = Collections.unmodifiableMap(new LinkedHashMap<>(filters));
        agents = Collections.unmodifiableMap(new LinkedHashMap<>(agents));
    }

    /** The route with this id, or {@code null}. */
    public RouteConfig route(String id) {
        for (RouteConfig route : routes) {
            if (route.id().equals(id)) {
                return route;
            }
        }
        return null;
    }
}
