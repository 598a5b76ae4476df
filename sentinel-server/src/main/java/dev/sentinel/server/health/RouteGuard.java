package dev.sentinel.server.health;

import dev.sentinel.server.config.CircuitBreakerConfig;
import dev.sentinel.server.config.RetryPolicyConfig;
import dev.sentinel.server.config.RouteResilienceConfig;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A route's resilience state: its circuit breaker (when configured) and its retry budget. Outlives reloads
 * like {@link TargetHealth}; the retry policy itself is read from the route's configuration.
 */
public final class RouteGuard {
    /** The request attribute under which the request path hands the route's guard to the forwarding engine. */

    private final String routeId;
    private final HealthListener listener;
    private final LongAdder retries = new LongAdder();
    private final LongAdder retriesRefused = new LongAdder();
    private final CircuitBreaker breaker;
    private volatile boolean breakerConfigured;
    private volatile RetryBudget budget;
    private volatile RetryPolicyConfig retryPolicy;

    private static final Logger LOG = LoggerFactory.getLogger(RouteGuard.class);

    RouteGuard(String routeId, HealthListener listener) {
        this.routeId = routeId;
        this.listener = listener;
        // Replaced by the route's own settings in configure(); only used while the route has a breaker.
        this.breaker = new CircuitBreaker(new CircuitBreakerConfig(1, 1, Duration.ofSeconds(1), 1), state -> {
            LOG.info("route '{}' circuit breaker: {}", routeId, state.jsonName());
            listener.routeBreakerChanged(routeId, state);
        });
    }

    void configure(RouteResilienceConfig config) {
        // Added or removed by a reload: start afresh, or a ticket taken before would never be returned.
        if (breakerConfigured != (config.circuitBreaker() != null)) {
            breaker.reset();
        }
        if (config.circuitBreaker() != null) {
            breaker.configure(config.circuitBreaker());
        }
        breakerConfigured = config.circuitBreaker() != null;
        RetryPolicyConfig policy = config.retryPolicy();
        RetryPolicyConfig previous = retryPolicy;
        if (policy != null && (previous == null || previous.budgetPercent() != policy.budgetPercent()
                || previous.minRetriesPerSecond() != policy.minRetriesPerSecond())) {
            budget = new RetryBudget(policy.budgetPercent(), policy.minRetriesPerSecond());
        }
        retryPolicy = policy;
    }

    public String routeId() {
        return routeId;
    }

    /** The retry policy, or {@code null} when the route does not retry. */
    public RetryPolicyConfig retryPolicy() {
        return retryPolicy;
    }

    /** Spends one retry from the budget if it allows; counted either way. */
    public boolean tryRetry(long nowNanos) {
        RetryBudget current = budget;
        boolean allowed = current != null && current.tryRetry(nowNanos);
        (allowed ? retries : retriesRefused).increment();
        listener.retry(routeId, allowed);
        return allowed;
    }

    /** A first attempt, which adds to the retry budget. */
    public void onRequest(long nowNanos) {
        RetryBudget current = budget;
        if (current != null) {
            current.onRequest(nowNanos);
        }
    }

    public long retries() {
        return retries.sum();
    }

    /** Retries the budget refused. */
    public long retriesRefused() {
        return retriesRefused.sum();
    }

    public boolean hasBreaker() {
        return breakerConfigured;
    }

    /** The breaker ticket for a request, or {@link CircuitBreaker#DENIED} to fail it fast with 503. */
    public long admit(long nowNanos) {
        return breakerConfigured ? breaker.tryAcquire(nowNanos) : 0;
    }

    /** The request's final result: success when the client got a response below 500. */
    public void record(long ticket, boolean success, long nowNanos) {
        if (breakerConfigured) {
            breaker.record(ticket, success, nowNanos);
        }
    }

    /** The request ended without a verdict on the upstream (client went away, body too large). */
    public void release(long ticket) {
        if (breakerConfigured) {
            breaker.release(ticket);
        }
    }

    public CircuitBreaker.State breakerState() {
        return breakerConfigured ? breaker.state() : CircuitBreaker.State.CLOSED;
    }
}
