package dev.sentinel.tests.balancers;

import dev.sentinel.spi.ConfigException;
import dev.sentinel.spi.LoadBalancer;
import dev.sentinel.spi.LoadBalancerProvider;
import dev.sentinel.spi.PluginConfig;

/**
 * A balancer with a bug, for BalancerFailuresTest only: packed into a plugin jar by the test, never on a
 * server's class path. Every {@code select} throws.
 */
public final class ThrowingBalancerProvider implements LoadBalancerProvider {
    @Override
    public String type() {
        return "test_throwing";
    }

    @Override
    public LoadBalancer create(PluginConfig config) throws ConfigException {
        // A lambda, not a class: PluginJar packs the named classes only.
        return (targets, exchange) -> {
            throw new IllegalStateException("a balancer bug, on purpose");
        };
    }
}
