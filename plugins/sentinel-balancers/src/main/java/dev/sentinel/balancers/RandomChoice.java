package dev.sentinel.balancers;

import dev.sentinel.spi.Exchange;
import dev.sentinel.spi.LoadBalancer;
import dev.sentinel.spi.LoadBalancerProvider;
import dev.sentinel.spi.PluginConfig;
import dev.sentinel.spi.Target;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code random}: a target at random, in proportion to its weight (uniform when all weights are equal).
 * Stateless apart from the cumulative weights of the current target list; no coordination between
 * requests at all.
 */
final class RandomChoice implements LoadBalancer {
    private final ByTargets<long[]> cumulative = new ByTargets<>(RandomChoice::cumulativeWeights);

    @Override
    public Target select(List<Target> targets, Exchange exchange) {
        long[] sums = cumulative.get(targets);
        long ticket = ThreadLocalRandom.current().nextLong(sums[sums.length - 1]);
        int found = Arrays.binarySearch(sums, ticket + 1);
        return targets.get(found >= 0 ? found : -found - 1);
    }

    /** {@code sums[i]} is the total weight of targets 0..i. */
    static long[] cumulativeWeights(List<Target> targets) {
        long[] sums = new long[targets.size()];
        long sum = 0;
        for (int i = 0; i < sums.length; i++) {
            sum += targets.get(i).weight();
            sums[i] = sum;
        }
        return sums;
    }

    public static final class Provider implements LoadBalancerProvider {
        @Override
        public String type() {
            return "random";
        }

        @Override
        public String description() {
            return "a target at random, in proportion to its weight";
        }

        @Override
        public LoadBalancer create(PluginConfig config) {
            return new RandomChoice();
        }
    }
}
