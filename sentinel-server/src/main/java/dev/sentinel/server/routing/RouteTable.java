package dev.sentinel.server.routing;

import dev.sentinel.server.config.RouteConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Routes in evaluation order: higher priority first, then more specific, then the order written.
 * The first route whose conditions hold serves the request. Immutable; safe to share.
 */
public final class RouteTable {
    private final CompiledRoute[] ordered;

    private RouteTable(CompiledRoute[] ordered) {
        this.ordered = ordered;
    }

    public static RouteTable compile(List<RouteConfig> routes) {
        List<CompiledRoute> compiled = new ArrayList<>();
        for (RouteConfig route : routes) {
            compiled.add(new CompiledRoute(route));
        }
        // List.sort is stable, so declaration order breaks the remaining ties.
        compiled.sort(Comparator.comparingInt((CompiledRoute r) -> r.config().priority()).reversed()
                .thenComparing(CompiledRoute::specificity, Specificity.MOST_SPECIFIC_FIRST));
        return new RouteTable(compiled.toArray(CompiledRoute[]::new));
    }

    /** The route for this request, or {@code null} when none matches. */
    public CompiledRoute match(RoutingRequest request) {
        for (CompiledRoute route : ordered) {
            if (route.matches(request)) {
                return route;
            }
        }
        return null;
    }

    /** The route with this id, or {@code null}. */
    public CompiledRoute byId(String id) {
        for (CompiledRoute route : ordered) {
            if (route.id().equals(id)) {
                return route;
            }
        }
        return null;
    }

    /** Route ids in evaluation order. */
    public List<String> order() {
        return java.util.Arrays.stream(ordered).map(CompiledRoute::id).toList();
    }
}
