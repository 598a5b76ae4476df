package dev.sentinel.server.jmx;

import dev.sentinel.server.observability.RouteMetrics;

/** The {@link RouteMXBean} over a route's metrics: the same counts Prometheus sees. */
final class RouteView implements RouteMXBean {
    private final RouteMetrics route;

    RouteView(RouteMetrics route) {
        this.route = route;
    }

    @Override
    public long getRequests() {
        return route.requests();
    }

    @Override
    public long getErrors() {
        return route.serverErrors();
    }

    @Override
    public long getActiveRequests() {
        return route.activeRequests();
    }

    @Override
    public double getMeanLatencyMillis() {
        return route.meanLatencyNanos() / 1e6;
    }

    @Override
    public double getRecentLatencyMillis() {
        return route.recentLatencyNanos() / 1e6;
    }
}
