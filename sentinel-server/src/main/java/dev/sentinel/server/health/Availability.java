package dev.sentinel.server.health;

import dev.sentinel.spi.Target;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One pool's view of its targets' health: the list of targets that take traffic, handed to the balancer.
 * The list is rebuilt only when a target's state changed or a timed change (end of an ejection, a breaker
 * turning half-open) fell due, and when the result equals the previous list the previous instance is kept,
 * so balancers may cache structures against it by identity.
 */
public final class Availability {
    private record Selectable(long generation, long validUntilNanos, List<Target> targets) {
    }

    private static final long MAX_VALIDITY_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);

    private final UpstreamHealth upstream;
    private final List<Target> targets;
    private final Map<Target, TargetHealth> health;
    private volatile Selectable selectable = new Selectable(-1, Long.MIN_VALUE, List.of());

    Availability(UpstreamHealth upstream, List<Target> targets, List<TargetHealth> states) {
        this.upstream = upstream;
        this.targets = List.copyOf(targets);
        this.health = new HashMap<>();
        for (int i = 0; i < targets.size(); i++) {
            health.put(targets.get(i), states.get(i));
        }
    }

    /** A view where every target always takes traffic (tests, and pools built without a registry). */
    public static Availability alwaysAvailable(String upstreamId, List<Target> targets) {
        UpstreamHealth upstream = new UpstreamHealth(upstreamId, null, HealthListener.NONE);
        List<TargetHealth> states = new ArrayList<>();
        for (Target target : targets) {
            states.add(new TargetHealth(upstream, target.address(), HealthListener.NONE));
        }
        return new Availability(upstream, targets, states);
    }

    /** The targets that take traffic now, in configuration order; empty when none does. */
    public List<Target> selectable(long nowNanos) {
        Selectable current = selectable;
        long generation = upstream.generation();
        if (current.generation == generation && nowNanos - current.validUntilNanos < 0) {
            return current.targets;
        }
        List<Target> available = new ArrayList<>(targets.size());
        // Half-open probe slots free up without a generation change: look again within a second at most.
        long validUntil = nowNanos + MAX_VALIDITY_NANOS;
        for (Target target : targets) {
            TargetHealth state = health.get(target);
            if (state.available(nowNanos)) {
                available.add(target);
            }
            long next = state.nextChangeNanos();
            if (next != Long.MAX_VALUE && next - validUntil < 0) {
                validUntil = next;
            }
        }
        List<Target> list = available.equals(current.targets) ? current.targets : List.copyOf(available);
        // Read the generation before evaluating: a change made meanwhile forces the next call to rebuild.
        selectable = new Selectable(generation, validUntil, list);
        return list;
    }

    public TargetHealth health(Target target) {
        return health.get(target);
    }
}
