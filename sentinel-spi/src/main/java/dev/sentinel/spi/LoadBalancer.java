package dev.sentinel.spi;

import java.util.List;

/**
 * Chooses the upstream target for each request.
 *
 * <p>Called concurrently from many virtual threads; implementations must be thread-safe and must not
 * block. {@link #select} is never called with an empty list.
 *
 * <pre>
 * Target t = balancer.select(pool.healthyTargets(), request);
 * </pre>
 */
public interface LoadBalancer {
    /** Returns one element of {@code targets} for this request. */
    Target select(List<Target> targets, RequestInfo request);
}
