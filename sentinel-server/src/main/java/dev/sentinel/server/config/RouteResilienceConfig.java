package dev.sentinel.server.config;

/**
 * A route's {@code retry-policy} and {@code circuit-breaker}; either may be {@code null} (no retries, no
 * route-level breaker).
 */
public record RouteResilienceConfig(RetryPolicyConfig retryPolicy, CircuitBreakerConfig circuitBreaker) {
    public static final RouteResilienceConfig NONE = new RouteResilienceConfig(null, null);
}
