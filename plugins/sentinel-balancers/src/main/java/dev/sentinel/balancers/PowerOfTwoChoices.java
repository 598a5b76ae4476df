package dev.sentinel.balancers;

import dev.sentinel.spi.Exchange;
import dev.sentinel.spi.LoadBalancer;
import dev.sentinel.spi.LoadBalancerProvider;
import dev.sentinel.spi.PluginConfig;
import dev.sentinel.spi.Target;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code p2c}: two distinct targets at random, and the less loaded of them (requests in flight per unit of
 * weight). Nearly as good as least connections at spreading load, in constant time, and without every
 * request herding onto the same momentarily idle target.
 */
final class PowerOfTwoChoices extends InFlightBalancer {
    PowerOfTwoChoices() {
        super(true);
    }

    @Override
    public Target select(List<Target> targets, Exchange exchange) {
        int size = targets.size();
        if (size == 1) {
            return targets.getFirst();
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int i = random.nextInt(size);
        int j = random.nextInt(size - 1);
        if (j >= i) {
            j++;
        }
        Target a = targets.get(i);
        Target b = targets.get(j);
        int order = compare(a, inFlight.get(a), b, inFlight.get(b));
        return order < 0 || order == 0 && random.nextBoolean() ? a : b;
    }

    public static final class Provider implements LoadBalancerProvider {
        @Override
        public String type() {
            return "p2c";
        }

        @Override
        public Set<String> aliases() {
            return Set.of("power_of_two_choices");
        }

        @Override
        public String description() {
            return "power of two choices: the less loaded of two random targets";
        }

        @Override
        public LoadBalancer create(PluginConfig config) {
            return new PowerOfTwoChoices();
        }
    }
}
