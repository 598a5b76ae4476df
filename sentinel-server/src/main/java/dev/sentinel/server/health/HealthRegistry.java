package dev.sentinel.server.health;

import dev.sentinel.server.config.RouteConfig;
import dev.sentinel.server.config.SentinelConfig;
import dev.sentinel.server.config.UpstreamConfig;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Health, ejection and breaker state for the whole process, keyed by upstream id and target address, and
 * by route id. It outlives configuration snapshots on purpose: a reload that keeps a target keeps what was
 * learnt about it (an unhealthy target stays out, an open breaker stays open), which is what operators
 * expect; a target or route the new configuration drops loses its state once that configuration is in force.
 *
 * <pre>
 * Availability view = registry.availability(upstreamConfig);   // while building a snapshot
 * registry.configure(config);                                   // its snapshot started, about to be swapped in
 * registry.retainOnly(config);                                  // after the snapshot is in force
 * </pre>
 */
public final class HealthRegistry {
    private final HealthListener listener;
    private final Map<String, UpstreamHealth> upstreams = new ConcurrentHashMap<>();
    private final Map<String, RouteGuard> routes = new ConcurrentHashMap<>();

    public HealthRegistry(HealthListener listener) {
        this.listener = listener;
    }

    /**
     * The pool's view of an upstream's health, state created for new targets. The configuration's settings
     * are not applied: see {@link #configure}.
     */
    public Availability availability(UpstreamConfig config) {
        UpstreamHealth upstream = stateOf(config);
        return new Availability(upstream, config.targets(), upstream.states(config));
    }

    /** The route's guard (breaker and retry budget); the route's settings are applied by {@link #configure}. */
    public RouteGuard routeGuard(RouteConfig route) {
        return routes.computeIfAbsent(route.id(), id -> new RouteGuard(id, listener));
    }

    /**
     * Applies the settings of a configuration coming into force (thresholds, breakers, whether targets are
     * checked, retry budgets) to the state it shares with the configuration running now. Called once the
     * new snapshot started, right before it is swapped in, so that a reload that fails changes nothing.
     */
    public void configure(SentinelConfig inForce) {
        for (UpstreamConfig upstream : inForce.upstreams().values()) {
            stateOf(upstream).configure(upstream);
        }
        for (RouteConfig route : inForce.routes()) {
            routeGuard(route).configure(route.resilience());
        }
    }

    private UpstreamHealth stateOf(UpstreamConfig config) {
        return upstreams.computeIfAbsent(config.id(), id -> {
            UpstreamHealth created = new UpstreamHealth(id, config, listener);
            listener.upstreamAdded(created);
            return created;
        });
    }

    /** Forgets upstreams, targets and routes that {@code inForce} no longer has. */
    public void retainOnly(SentinelConfig inForce) {
        upstreams.values().removeIf(upstream -> {
            UpstreamConfig config = inForce.upstreams().get(upstream.id());
            if (config == null) {
                upstream.retainOnly(List.of());
                listener.upstreamRemoved(upstream);
                return true;
            }
            upstream.retainOnly(config.targets());
            return false;
        });
        routes.keySet().removeIf(id -> {
            boolean gone = inForce.routes().stream().noneMatch(r -> r.id().equals(id));
            if (gone) {
                listener.routeRemoved(id);
            }
            return gone;
        });
    }

    public Collection<UpstreamHealth> upstreams() {
        return upstreams.values();
    }

    public UpstreamHealth upstream(String id) {
        return upstreams.get(id);
    }

    public Collection<RouteGuard> routes() {
        return routes.values();
    }
}
