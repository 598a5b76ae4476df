package dev.sentinel.server.observability;

import dev.sentinel.server.health.CircuitBreaker;
import dev.sentinel.server.health.HealthListener;
import dev.sentinel.server.health.HealthRegistry;
import dev.sentinel.server.health.RouteGuard;
import dev.sentinel.server.health.TargetHealth;
import dev.sentinel.server.health.UpstreamHealth;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.Supplier;

/**
 * Health, breaker and retry metrics. Gauges are read from the {@link HealthRegistry} at scrape time, so they
 * are never stale and vanish with the targets a reload drops; counters count each change once, as the
 * {@link HealthListener} reports it. Labels are upstream ids, target addresses and route ids from the
 * configuration, so cardinality is bounded by it.
 * <pre>
 * sentinel_upstream_target_healthy{upstream,target}          1 while the target takes traffic
 * sentinel_upstream_target_in_flight{upstream,target}        requests in flight
 * sentinel_circuit_breaker_state{scope,name}                 0 closed, 1 open, 2 half-open
 * sentinel_upstream_state_changes_total{upstream,target,change}
 * sentinel_route_breaker_changes_total{route,state}
 * sentinel_retries_total{route,result}                       result: retried, budget_exhausted
 * </pre>
 */
public final class HealthMetrics implements HealthListener {
    private final Counter stateChanges;
    private final Counter routeBreakerChanges;
    private final Counter retries;

    public HealthMetrics(PrometheusRegistry registry, Supplier<HealthRegistry> health) {
        GaugeWithCallback.builder()
                .name("sentinel_upstream_target_healthy")
                .help("1 while the target takes traffic (healthy, not ejected, not disabled, breaker admitting)")
                .labelNames("upstream", "target")
                .callback(callback -> eachTarget(health, (upstream, target) -> callback.call(
                        target.available(System.nanoTime()) ? 1 : 0, upstream.id(), target.address())))
                .register(registry);
        GaugeWithCallback.builder()
                .name("sentinel_upstream_target_in_flight")
                .help("Requests in flight to the target")
                .labelNames("upstream", "target")
                .callback(callback -> eachTarget(health, (upstream, target) -> callback.call(
                        target.inFlight(), upstream.id(), target.address())))
                .register(registry);
        GaugeWithCallback.builder()
                .name("sentinel_circuit_breaker_state")
                .help("Circuit breaker state: 0 closed, 1 open, 2 half-open; scope target (name upstream/address) or route")
                .labelNames("scope", "name")
                .callback(callback -> {
                    eachTarget(health, (upstream, target) -> {
                        if (target.breakerConfigured()) {
                            callback.call(target.breakerState().gauge(), "target", upstream.id() + "/" + target.address());
                        }
                    });
                    HealthRegistry registryNow = health.get();
                    if (registryNow != null) {
                        for (RouteGuard route : registryNow.routes()) {
                            if (route.hasBreaker()) {
                                callback.call(route.breakerState().gauge(), "route", route.routeId());
                            }
                        }
                    }
                })
                .register(registry);
        stateChanges = Counter.builder()
                .name("sentinel_upstream_state_changes_total")
                .help("Target state changes: healthy, unhealthy, ejected, restored, breaker_open, breaker_half_open,"
                        + " breaker_closed, disabled, enabled")
                .labelNames("upstream", "target", "change")
                .register(registry);
        routeBreakerChanges = Counter.builder()
                .name("sentinel_route_breaker_changes_total")
                .help("Route circuit breaker transitions, by the state entered")
                .labelNames("route", "state")
                .register(registry);
        retries = Counter.builder()
                .name("sentinel_retries_total")
                .help("Retries made, and retries the retry budget refused")
                .labelNames("route", "result")
                .register(registry);
    }

    @Override
    public void targetChanged(TargetHealth target, Change change) {
        stateChanges.labelValues(target.upstreamId(), target.address(), change.label()).inc();
    }

    @Override
    public void routeBreakerChanged(String routeId, CircuitBreaker.State state) {
        routeBreakerChanges.labelValues(routeId, state.jsonName()).inc();
    }

    @Override
    public void retry(String routeId, boolean allowed) {
        retries.labelValues(routeId, allowed ? "retried" : "budget_exhausted").inc();
    }

    private interface TargetVisitor {
        void visit(UpstreamHealth upstream, TargetHealth target);
    }

    private static void eachTarget(Supplier<HealthRegistry> health, TargetVisitor visitor) {
        HealthRegistry registry = health.get();
        if (registry == null) {
            return;
        }
        for (UpstreamHealth upstream : registry.upstreams()) {
            for (TargetHealth target : upstream.targets()) {
                visitor.visit(upstream, target);
            }
        }
    }
}
