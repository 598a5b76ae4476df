package dev.sentinel.server.forward;

import dev.sentinel.server.config.RetryPolicyConfig;
import dev.sentinel.server.health.CircuitBreaker;
import dev.sentinel.server.health.RouteGuard;
import dev.sentinel.server.upstream.UpstreamPool;
import dev.sentinel.spi.Exchange;
import dev.sentinel.spi.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client request's attempts at its upstream: the targets tried, the deadline that bounds them all (the
 * route's {@code timeout-secs}), the route breaker's ticket, and whether another attempt may be made.
 *
 * <p>Only requests without a body and with an idempotent method are retried: the body of any other
 * request has been streamed to the first target and is gone. A retry goes to a target not tried yet,
 * after an exponential, jittered back-off, only while the deadline leaves time for it and the route's
 * retry budget allows it. Used by one request at a time (attempts are sequential).
 */
final class Attempts {
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE");

    private final RouteGuard guard;
    private final long routeTicket;
    private final RetryPolicyConfig policy;
    private final long deadlineNanos;
    private final Duration upstreamTimeout;
    private final List<Target> tried = new ArrayList<>(2);
    private final AtomicBoolean finished = new AtomicBoolean();

    /**
     * @param routeTimeout bounds all attempts together, or {@code null}
     * @param upstreamTimeout bounds each attempt ({@code timeouts { request-secs }}), or {@code null}
     */
    Attempts(RouteGuard guard, long routeTicket, boolean retryable, Duration routeTimeout, Duration upstreamTimeout,
             long startNanos) {
        this.guard = guard;
        this.routeTicket = routeTicket;
        this.policy = retryable && guard != null ? guard.retryPolicy() : null;
        this.deadlineNanos = routeTimeout == null ? Long.MAX_VALUE : startNanos + routeTimeout.toNanos();
        this.upstreamTimeout = upstreamTimeout;
        if (policy != null) {
            guard.onRequest(startNanos);
        }
    }

    /** Whether a request with this method and body may ever be retried. */
    static boolean retryable(String method, boolean hasBody) {
        return !hasBody && IDEMPOTENT.contains(method);
    }

    void tried(Target target) {
        tried.add(target);
    }

    /** How long the next attempt may take, or {@code null} for no bound beyond the upstream's idle timeouts. */
    Duration attemptTimeout(long nowNanos) {
        Duration bound = upstreamTimeout;
        if (policy != null && policy.attemptTimeout() != null && (bound == null
                || policy.attemptTimeout().compareTo(bound) < 0)) {
            bound = policy.attemptTimeout();
        }
        if (deadlineNanos != Long.MAX_VALUE) {
            Duration left = Duration.ofNanos(Math.max(1_000_000, deadlineNanos - nowNanos));
            bound = bound == null || left.compareTo(bound) < 0 ? left : bound;
        }
        return bound;
    }

    /** Whether {@code status} from the upstream would be retried rather than relayed. */
    boolean retryableStatus(int status) {
        return policy != null && policy.retryableStatusCodes().contains(status);
    }

    /**
     * The lease for the next attempt, when one may be made now: attempts left, time left for the back-off
     * and more, a target not tried yet, and the budget agrees. Otherwise {@code null}: relay what we have.
     */
    UpstreamPool.Lease next(UpstreamPool pool, Exchange exchange, long nowNanos) {
        if (policy == null || tried.size() >= policy.maxAttempts()) {
            return null;
        }
        if (deadlineNanos - nowNanos <= backoffNanos() + policy.backoffBase().toNanos()) {
            return null;
        }
        UpstreamPool.Lease next;
        try {
            next = pool.acquire(exchange, tried);
        } catch (RuntimeException e) {
            return null; // a balancer failing on a retry: relay what the last attempt got
        }
        if (next != null && !guard.tryRetry(nowNanos)) {
            next.end(0, null); // never sent: says nothing about the target
            return null;
        }
        return next;
    }

    /** The wait before the next attempt: base × 2^(retries so far), jittered to 50–100%, at most the cap. */
    long backoffNanos() {
        long base = policy.backoffBase().toNanos();
        long exponential = Math.min(policy.backoffMax().toNanos(), base << Math.min(20, tried.size() - 1));
        return exponential / 2 + ThreadLocalRandom.current().nextLong(exponential / 2 + 1);
    }

    /** Tells the route breaker how the request ended; only the first call counts. */
    void finish(int status, boolean upstreamVerdict) {
        if (guard == null || routeTicket == CircuitBreaker.DENIED || !finished.compareAndSet(false, true)) {
            return;
        }
        if (upstreamVerdict) {
            guard.record(routeTicket, status < 500, System.nanoTime());
        } else {
            guard.release(routeTicket);
        }
    }
}
