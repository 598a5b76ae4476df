package dev.sentinel.server.server;

import dev.sentinel.server.agent.AgentFilters;
import dev.sentinel.server.config.ListenerConfig;
import dev.sentinel.server.config.RouteConfig;
import dev.sentinel.server.config.SentinelConfig;
import dev.sentinel.server.config.UpstreamConfig;
import dev.sentinel.server.filter.FilterChain;
import dev.sentinel.server.health.Availability;
import dev.sentinel.server.health.HealthChecker;
import dev.sentinel.server.health.HealthRegistry;
import dev.sentinel.server.health.RouteGuard;
import dev.sentinel.server.health.UpstreamsJson;
import dev.sentinel.server.observability.ProxyMetrics;
import dev.sentinel.server.routing.CompiledRoute;
import dev.sentinel.server.routing.RouteTable;
import dev.sentinel.server.routing.RoutingRequest;
import dev.sentinel.server.upstream.UpstreamClients;
import dev.sentinel.server.upstream.UpstreamPool;
import dev.sentinel.spi.Filter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.component.ContainerLifeCycle;

/**
 * Everything a request needs from the configuration, compiled and immutable: the route table, each
 * listener's default route, each route's filter chain, and the upstream pools with their started clients. A request reads the
 * current snapshot once and keeps it to the end, so a reload never changes a request mid-flight.
 *
 * <p>Health state is not the snapshot's: pools see it through the process-wide {@link HealthRegistry}, so
 * it carries over reloads. The active health checkers are: they start and stop with the snapshot.
 */
final class RuntimeSnapshot extends ContainerLifeCycle {
    private final SentinelConfig config;
    private final RouteTable routes;
    private final Map<String, CompiledRoute> defaultRoutes = new HashMap<>();
    private final Map<String, UpstreamPool> pools = new LinkedHashMap<>();
    private final Map<String, FilterChain> chains = new HashMap<>();
    private final Map<String, RouteGuard> routeGuards = new HashMap<>();

    RuntimeSnapshot(SentinelConfig config, UpstreamClients clients, HealthRegistry health, ProxyMetrics metrics) {
        this.config = config;
        this.routes = RouteTable.compile(config.routes());
        for (ListenerConfig listener : config.listeners()) {
            if (listener.defaultRoute() != null) {
                defaultRoutes.put(listener.id(), routes.byId(listener.defaultRoute()));
            }
        }
        for (UpstreamConfig upstream : config.upstreams().values()) {
            Availability availability = health.availability(upstream);
            UpstreamPool pool = clients.newPool(upstream, availability);
            pools.put(upstream.id(), pool);
            addBean(pool.client());
            if (upstream.healthCheck() != null) {
                HttpClient probes = clients.newProbeClient(upstream);
                addBean(probes);
                addBean(new HealthChecker(upstream, probes, pool.scheme(), availability));
            }
        }
        for (RouteConfig route : config.routes()) {
            routeGuards.put(route.id(), health.routeGuard(route));
        }
        // One instance per filter definition, shared by the routes that name it (and so its state, such as
        // a rate limit's buckets).
        Map<String, FilterChain.Named> filters = new HashMap<>();
        Map<String, Filter> agentFilters = AgentFilters.create(config, metrics);
        config.filters().forEach((id, filter) -> filters.put(id, new FilterChain.Named(id,
                filter.agent() != null ? agentFilters.get(id) : filter.factory().get())));
        for (RouteConfig route : config.routes()) {
            if (!route.filters().isEmpty()) {
                chains.put(route.id(), new FilterChain(route.filters().stream().map(filters::get).toList(), metrics));
            }
        }
    }

    @Override
    protected void doStop() throws Exception {
        // Before the clients stop: the exchanges their stop aborts must not be held against the targets.
        pools.values().forEach(UpstreamPool::retire);
        super.doStop();
    }

    SentinelConfig config() {
        return config;
    }

    /** The route for a request that arrived on {@code listenerId}, or {@code null}. */
    CompiledRoute route(RoutingRequest request, String listenerId) {
        CompiledRoute route = routes.match(request);
        return route != null ? route : defaultRoutes.get(listenerId);
    }

    /** The filters of a route, in order; empty when it has none. */
    FilterChain filters(String routeId) {
        return chains.getOrDefault(routeId, FilterChain.EMPTY);
    }

    UpstreamPool pool(String upstreamId) {
        return pools.get(upstreamId);
    }

    Collection<UpstreamPool> pools() {
        return pools.values();
    }

    /** The body of the {@code upstreams} builtin. */
    String upstreamsJson() {
        List<UpstreamsJson.Entry> entries = new ArrayList<>(pools.size());
        for (UpstreamPool pool : pools.values()) {
            entries.add(new UpstreamsJson.Entry(pool.config(), pool.availability()));
        }
        List<RouteGuard> routes = new ArrayList<>();
        for (RouteConfig route : config.routes()) {
            routes.add(routeGuards.get(route.id()));
        }
        return UpstreamsJson.render(entries, routes);
    }

    /** The route's breaker and retry budget. */
    RouteGuard routeGuard(String routeId) {
        return routeGuards.get(routeId);
    }
}
