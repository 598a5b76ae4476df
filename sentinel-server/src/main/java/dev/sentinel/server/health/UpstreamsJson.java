package dev.sentinel.server.health;

import dev.sentinel.server.config.UpstreamConfig;
import dev.sentinel.spi.Target;
import java.util.Collection;
import java.util.Locale;

/**
 * The body of the {@code upstreams} builtin ({@code /admin/upstreams}): each upstream of the configuration in
 * force with each target's health, breaker, in-flight requests and recent latency, and each route that has a
 * breaker or retries. Shape (see docs/resilience.md):
 * <pre>
 * {"upstreams":[{"id":"api","load_balancing":"round_robin","available_targets":1,"targets":[
 *   {"address":"10.0.0.1:8080","weight":1,"available":true,"health":"healthy","ejected":false,
 *    "ejection_remaining_ms":0,"disabled":false,"circuit_breaker":"closed","in_flight":0,"requests":12,
 *    "failures":0,"latency_ms":{"last":1.2,"average":1.5},"last_check_failure":null}]}],
 *  "routes":[{"id":"api","circuit_breaker":"closed","retries":3,"retries_refused":0}]}
 * </pre>
 */
public final class UpstreamsJson {
    private UpstreamsJson() {
    }

    /** One upstream as the configuration in force has it, with its pool's view of health. */
    public record Entry(UpstreamConfig config, Availability availability) {
    }

    public static String render(Collection<Entry> upstreams, Collection<RouteGuard> routes) {
        long now = System.nanoTime();
        StringBuilder out = new StringBuilder(256 + 320 * upstreams.size()).append("{\"upstreams\":[");
        boolean firstUpstream = true;
        for (Entry entry : upstreams) {
            out.append(firstUpstream ? "" : ",").append("{\"id\":");
            firstUpstream = false;
            string(out, entry.config().id()).append(",\"load_balancing\":");
            string(out, entry.config().loadBalancing()).append(",\"available_targets\":")
                    .append(entry.availability().selectable(now).size()).append(",\"targets\":[");
            boolean firstTarget = true;
            for (Target target : entry.config().targets()) {
                out.append(firstTarget ? "" : ",");
                firstTarget = false;
                target(out, target, entry.availability().health(target), now);
            }
            out.append("]}");
        }
        out.append("],\"routes\":[");
        boolean firstRoute = true;
        for (RouteGuard route : routes) {
            if (!route.hasBreaker() && route.retryPolicy() == null) {
                continue;
            }
            out.append(firstRoute ? "" : ",").append("{\"id\":");
            firstRoute = false;
            string(out, route.routeId()).append(",\"circuit_breaker\":");
            string(out, route.hasBreaker() ? route.breakerState().jsonName() : null).append(",\"retries\":")
                    .append(route.retries()).append(",\"retries_refused\":").append(route.retriesRefused()).append('}');
        }
        return out.append("]}").toString();
    }

    private static void target(StringBuilder out, Target target, TargetHealth health, long now) {
        out.append("{\"address\":");
        string(out, target.address()).append(",\"weight\":").append(target.weight())
                .append(",\"available\":").append(health.available(now))
                .append(",\"health\":\"").append(health.activeHealthy() ? "healthy" : "unhealthy")
                .append("\",\"ejected\":").append(health.ejected())
                .append(",\"ejection_remaining_ms\":").append(health.ejectionRemainingNanos(now) / 1_000_000)
                .append(",\"disabled\":").append(health.disabled())
                .append(",\"circuit_breaker\":");
        string(out, health.breakerConfigured() ? health.breakerState().jsonName() : null)
                .append(",\"in_flight\":").append(health.inFlight())
                .append(",\"requests\":").append(health.requests())
                .append(",\"failures\":").append(health.failures())
                .append(",\"latency_ms\":{\"last\":").append(millis(health.lastLatencyMillis()))
                .append(",\"average\":").append(millis(health.averageLatencyMillis()))
                .append("},\"last_check_failure\":");
        string(out, health.lastCheckFailure()).append('}');
    }

    /** Milliseconds with three decimals, or {@code null} before the first exchange. */
    private static String millis(double value) {
        return value < 0 ? "null" : String.format(Locale.ROOT, "%.3f", value);
    }

    private static StringBuilder string(StringBuilder out, String value) {
        if (value == null) {
            return out.append("null");
        }
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"');
    }
}
