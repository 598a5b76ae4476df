package dev.sentinel.balancers;

import dev.sentinel.spi.Target;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Exchanges in flight per target, fed by {@code onStart}/{@code onComplete}. Lock-free; one counter per
 * target the balancer was ever given, so bounded by the upstream's configuration.
 */
final class InFlight {
    private final ConcurrentHashMap<Target, AtomicInteger> counts = new ConcurrentHashMap<>();

    int get(Target target) {
        AtomicInteger count = counts.get(target);
        return count == null ? 0 : count.get();
    }

    void started(Target target) {
        counts.computeIfAbsent(target, t -> new AtomicInteger()).incrementAndGet();
    }

    void completed(Target target) {
        AtomicInteger count = counts.get(target);
        // Never below zero, even if a server bug ever reported an end without a start.
        if (count != null) {
            count.getAndUpdate(n -> n > 0 ? n - 1 : 0);
        }
    }
}
