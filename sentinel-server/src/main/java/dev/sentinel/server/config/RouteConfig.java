package dev.sentinel.server.config;

/**
 * One route ({@code routes { route "id" { } }}): what it matches and where matching requests go.
 *
 * @param priority higher wins; ties break by match specificity
 * @param upstream upstream id for {@link ServiceType#WEB}, else {@code null}
 * @param builtin  the handler for {@link ServiceType#BUILTIN}, else {@code null}
 * @param resilience retry policy and route-level circuit breaker
 */
public record RouteConfig(
        String id,
        int priority,
        MatchConfig matches,
        ServiceType serviceType,
        String upstream,
        Builtin builtin,
        PoliciesConfig policies,
        RouteResilienceConfig resilience) {

    /** A route without retry policy or breaker. */
    public RouteConfig(String id, int priority, MatchConfig matches, ServiceType serviceType, String upstream,
                       Builtin builtin, PoliciesConfig policies) {
        this(id, priority, matches, serviceType, upstream, builtin, policies, RouteResilienceConfig.NONE);
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
