package dev.sentinel.balancers;

import dev.sentinel.spi.Exchange;
import dev.sentinel.spi.LoadBalancer;
import dev.sentinel.spi.LoadBalancerProvider;
import dev.sentinel.spi.PluginConfig;
import dev.sentinel.spi.Target;
import java.util.List;
import java.util.Set;

/**
 * {@code least_connections} and {@code weighted_least_connections}: the target with the fewest exchanges
 * in flight (divided by its weight for the weighted form), ties broken at random. A scan of the targets
 * per request, reading one atomic counter each.
 */
final class LeastConnections extends InFlightBalancer {
    LeastConnections(boolean weighted) {
        super(weighted);
    }

    @Override
    public Target select(List<Target> targets, Exchange exchange) {
        Target best = targets.getFirst();
        int bestLoad = inFlight.get(best);
        int ties = 1;
        for (int i = 1; i < targets.size(); i++) {
            Target candidate = targets.get(i);
            int load = inFlight.get(candidate);
            int order = compare(candidate, load, best, bestLoad);
            if (order < 0) {
                best = candidate;
                bestLoad = load;
                ties = 1;
            } else if (order == 0 && winsTie(++ties)) {
                best = candidate;
                bestLoad = load;
            }
        }
        return best;
    }

    public static final class Provider implements LoadBalancerProvider {
        @Override
        public String type() {
            return "least_connections";
        }

        @Override
        public Set<String> aliases() {
            return Set.of("leastconnections", "least_conn");
        }

        @Override
        public String description() {
            return "the target with the fewest requests in flight";
        }

        @Override
        public LoadBalancer create(PluginConfig config) {
            return new LeastConnections(false);
        }
    }

    public static final class WeightedProvider implements LoadBalancerProvider {
        @Override
        public String type() {
            return "weighted_least_connections";
        }

        @Override
        public Set<String> aliases() {
            return Set.of("weighted_least_conn", "wlc");
        }

        @Override
        public String description() {
            return "the target with the fewest requests in flight per unit of weight";
        }

        @Override
        public LoadBalancer create(PluginConfig config) {
            return new LeastConnections(true);
        }
    }
}
