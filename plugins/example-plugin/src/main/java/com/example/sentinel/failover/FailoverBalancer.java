package com.example.sentinel.failover;

import dev.sentinel.spi.Exchange;
import dev.sentinel.spi.LoadBalancer;
import dev.sentinel.spi.Outcome;
import dev.sentinel.spi.Target;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends every request to the first target, in the order the configuration lists them, that is not
 * benched. A target that fails {@code maxFailures} times in a row (5xx, refused connection, timeout) is
 * benched for {@code cooldown}; any success resets its count. When every target is benched, the first
 * one is used anyway: failing over to nothing helps nobody.
 *
 * <p>Sentinel calls {@link #select} concurrently from many virtual threads, so the state is lock-free:
 * one counter and one timestamp per target, bounded by the number of targets.
 */
final class FailoverBalancer implements LoadBalancer {
    private static final class Health {
        final AtomicInteger failures = new AtomicInteger();
        volatile long benchedUntilNanos;
        volatile boolean benched;
    }

    private final int maxFailures;
    private final long cooldownNanos;
    private final ConcurrentHashMap<Target, Health> health = new ConcurrentHashMap<>();

    FailoverBalancer(int maxFailures, Duration cooldown) {
        this.maxFailures = maxFailures;
        this.cooldownNanos = cooldown.toNanos();
    }

    @Override
    public Target select(List<Target> targets, Exchange exchange) {
        long now = System.nanoTime();
        for (Target target : targets) {
            Health h = health.get(target);
            if (h == null || !h.benched || now - h.benchedUntilNanos >= 0) {
                return target;
            }
        }
        return targets.getFirst();
    }

    @Override
    public void onComplete(Target target, Outcome outcome) {
        if (outcome.succeeded()) {
            Health h = health.get(target);
            if (h != null) {
                h.failures.set(0);
                h.benched = false;
            }
        } else if (outcome.upstreamFailed()) {
            Health h = health.computeIfAbsent(target, t -> new Health());
            if (h.failures.incrementAndGet() >= maxFailures) {
                h.benchedUntilNanos = System.nanoTime() + cooldownNanos;
                h.benched = true;
                h.failures.set(0);
            }
        }
    }
}
