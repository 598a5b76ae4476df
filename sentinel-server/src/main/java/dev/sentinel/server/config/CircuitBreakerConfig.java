package dev.sentinel.server.config;

import java.time.Duration;

/**
 * A circuit breaker ({@code circuit-breaker { }}), on an upstream (one breaker per target) or on a route.
 * Closed, it counts failures in a row; at {@code failureThreshold} it opens and requests fail fast with
 * 503. After {@code timeout} it is half-open: {@code halfOpenMaxRequests} probes may be in flight at once;
 * {@code successThreshold} successes close it, one failure opens it again.
 */
public record CircuitBreakerConfig(int failureThreshold, int successThreshold, Duration timeout,
                                   int halfOpenMaxRequests) {
    public static final int DEFAULT_FAILURE_THRESHOLD = 5;
    public static final int DEFAULT_SUCCESS_THRESHOLD = 2;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_HALF_OPEN_MAX_REQUESTS = 1;
}
