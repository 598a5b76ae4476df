package dev.sentinel.balancers;

import dev.sentinel.spi.LoadBalancer;
import dev.sentinel.spi.Outcome;
import dev.sentinel.spi.Target;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A balancer that chooses by load: it counts exchanges in flight per target, and picks the target with
 * the lowest {@code (inFlight + 1) / weight} among those it {@link #better compares}.
 */
abstract class InFlightBalancer implements LoadBalancer {
    final InFlight inFlight = new InFlight();
    private final boolean weighted;

    /** @param weighted divide the load by the target's weight; otherwise weights are ignored */
    InFlightBalancer(boolean weighted) {
        this.weighted = weighted;
    }

    @Override
    public void onStart(Target target) {
        inFlight.started(target);
    }

    @Override
    public void onComplete(Target target, Outcome outcome) {
        inFlight.completed(target);
    }

    /**
     * Negative when {@code a} is less loaded than {@code b}, 0 when equal. The loads are compared as
     * {@code (inFlight + 1) / weight}, cross-multiplied to stay in whole numbers; the {@code + 1} makes an
     * idle heavy target beat an idle light one.
     */
    final int compare(Target a, int aInFlight, Target b, int bInFlight) {
        long aWeight = weighted ? a.weight() : 1;
        long bWeight = weighted ? b.weight() : 1;
        return Long.compare((aInFlight + 1L) * bWeight, (bInFlight + 1L) * aWeight);
    }

    /** Ties go to a random one of the tied targets, so equal targets share the traffic. */
    static boolean winsTie(int tiedSoFar) {
        return ThreadLocalRandom.current().nextInt(tiedSoFar) == 0;
    }
}
