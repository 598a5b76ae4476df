package dev.sentinel.balancers;

import dev.sentinel.spi.Exchange;
import dev.sentinel.spi.LoadBalancer;
import dev.sentinel.spi.LoadBalancerProvider;
import dev.sentinel.spi.PluginConfig;
import dev.sentinel.spi.Target;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/** {@code round_robin}: each target in turn, weights ignored; one atomic increment per request. */
final class RoundRobin implements LoadBalancer {
    private final AtomicLong next = new AtomicLong();

    @Override
    public Target select(List<Target> targets, Exchange exchange) {
        return targets.get((int) Math.floorMod(next.getAndIncrement(), (long) targets.size()));
    }

    public static final class Provider implements LoadBalancerProvider {
        @Override
        public String type() {
            return "round_robin";
        }

        @Override
        public Set<String> aliases() {
            return Set.of("roundrobin");
        }

        @Override
        public String description() {
            return "each target in turn (the default)";
        }

        @Override
        public LoadBalancer create(PluginConfig config) {
            return new RoundRobin();
        }
    }
}
