package dev.sentinel.spi;

import java.util.List;

/**
 * Chooses the upstream target of each request, and learns from how each exchange went.
 *
 * <p><b>Calls.</b> For every request the server calls {@link #select}, then {@link #onStart} with the target
 * it returned, then, when the exchange with that target is over (response relayed, failed, or abandoned),
 * {@link #onComplete} exactly once. {@code onStart}/{@code onComplete} pairs are what in-flight counts
 * are built from; a balancer that wraps another forwards both to it, whichever of them selected.
 *
 * <p><b>Threading.</b> All three methods are called concurrently, from many virtual threads, for the
 * same instance. They must be thread-safe and must not block (no I/O, no waiting on locks held across
 * anything slow): they run on the request path. State kept per target must stay bounded by the number of
 * targets, never grow per request.
 *
 * <p><b>Failures.</b> An exception from {@code select} fails that request with a 500 and is logged with
 * the balancer's type; exceptions from {@code onStart}/{@code onComplete} are logged and ignored.
 *
 * <pre>
 * Target target = balancer.select(healthyTargets, exchange);
 * balancer.onStart(target);
 * // ... forward, relay the response ...
 * balancer.onComplete(target, Outcome.of(Outcome.Kind.SUCCESS, 200, elapsed));
 * </pre>
 */
public interface LoadBalancer {
    /**
     * Returns one element of {@code targets} for this request; returning anything else is a bug, answered
     * with a 500.
     *
     * @param targets  the healthy targets of the upstream, never empty, unmodifiable; the same list instance
     *                 is passed again until the set changes, so derived structures (rings, tables) can be
     *                 cached against it by identity
     * @param exchange the request being placed: headers, cookies, client address, route; a balancer may
     *                 also add a response header through it (a sticky cookie)
     */
    Target select(List<Target> targets, Exchange exchange);

    /** The exchange with {@code target} begins; called once after each {@link #select}. */
    default void onStart(Target target) {
    }

    /** The exchange with {@code target} is over; called exactly once per {@link #onStart}. */
    default void onComplete(Target target, Outcome outcome) {
    }
}
