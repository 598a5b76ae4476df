package dev.sentinel.balancers;

import dev.sentinel.spi.Exchange;
import dev.sentinel.spi.LoadBalancer;
import dev.sentinel.spi.LoadBalancerProvider;
import dev.sentinel.spi.PluginConfig;
import dev.sentinel.spi.Target;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code weighted}: smooth weighted round robin (nginx's). Each pick adds every target's weight to its
 * running score, takes the highest, and subtracts the total from it: weights 5, 1, 1 give
 * {@code a a b a c a a} rather than five a's in a row. Over any run of {@code sum(weights)} picks, each
 * target is chosen exactly {@code weight} times.
 *
 * <p>The scores change together, so a pick holds a lock for a loop over the targets; nothing inside
 * blocks, and a virtual thread waiting on a {@link ReentrantLock} does not pin its carrier.
 */
final class Weighted implements LoadBalancer {
    private final ByTargets<Scores> scores = new ByTargets<>(Scores::new);

    @Override
    public Target select(List<Target> targets, Exchange exchange) {
        return scores.get(targets).next();
    }

    /** The running scores for one target list. */
    static final class Scores {
        private final List<Target> targets;
        private final int[] weights;
        private final long[] current;
        private final long total;
        private final ReentrantLock lock = new ReentrantLock();

        Scores(List<Target> targets) {
            this.targets = targets;
            this.weights = targets.stream().mapToInt(Target::weight).toArray();
            this.current = new long[weights.length];
            long sum = 0;
            for (int weight : weights) {
                sum += weight;
            }
            this.total = sum;
        }

        Target next() {
            int best = 0;
            lock.lock();
            try {
                for (int i = 0; i < weights.length; i++) {
                    current[i] += weights[i];
                    if (current[i] > current[best]) {
                        best = i;
                    }
                }
                current[best] -= total;
            } finally {
                lock.unlock();
            }
            return targets.get(best);
        }
    }

    public static final class Provider implements LoadBalancerProvider {
        @Override
        public String type() {
            return "weighted";
        }

        @Override
        public Set<String> aliases() {
            return Set.of("weighted_round_robin");
        }

        @Override
        public String description() {
            return "smooth weighted round robin: each target in proportion to its weight, interleaved";
        }

        @Override
        public LoadBalancer create(PluginConfig config) {
            return new Weighted();
        }
    }
}
