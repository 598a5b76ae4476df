package dev.sentinel.server.plugin.probe;

import dev.sentinel.spi.LoadBalancer;
import dev.sentinel.spi.LoadBalancerProvider;
import dev.sentinel.spi.PluginConfig;

/** A plugin for registry tests: packed into jars by the test, never registered on the class path. */
public final class ProbeProvider implements LoadBalancerProvider {
    @Override
    public String type() {
        return "probe_balancer";
    }

    @Override
    public LoadBalancer create(PluginConfig config) {
        return (targets, exchange) -> targets.getFirst();
    }
}
