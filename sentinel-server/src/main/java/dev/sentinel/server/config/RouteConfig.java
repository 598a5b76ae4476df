package dev.sentinel.server.config;

import java.util.List;

/**
 * One route ({@code routes { route "id" { } }}): what it matches and where matching requests go.
 *
 * @param priority higher wins; ties break by match specificity
 * @param upstream upstream id for {@link ServiceType#WEB}, else {@code null}
 * @param builtin  the handler for {@link ServiceType#BUILTIN}, else {@code null}
 * @param filters  ids of the filters the route runs, in order
 * @param resilience retry policy and route-level circuit breaker
 */
public record RouteConfig(
        String id,
        int priority,
        MatchConfig matches,
        ServiceType serviceType,
        String upstream,
        Builtin builtin,
        List<String> filters,
        PoliciesConfig policies,
        RouteResilienceConfig resilience) {

    public RouteConfig {
        filters = List.copyOf(filters);
    }

    public static final int PRIORITY_LOW = 10;
    public static final int PRIORITY_NORMAL = 50;
    public static final int PRIORITY_HIGH = 100;
    public static final int PRIORITY_CRITICAL = 1000;

    /** What serves a matched request. */
    public enum ServiceType { WEB, BUILTIN }

    /** Responses Sentinel itself produces. */
    public enum Builtin {
        STATUS("status"), HEALTH("health"), METRICS("metrics"), NOT_FOUND("not-found"), UPSTREAMS("upstreams");

        private final String configName;

        Builtin(String configName) {
            this.configName = configName;
        }

        public String configName() {
            return configName;
        }
    }
}
