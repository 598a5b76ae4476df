package dev.sentinel.server.plugin.probe;

import dev.sentinel.spi.LoadBalancer;
import dev.sentinel.spi.LoadBalancerProvider;
import dev.sentinel.spi.PluginConfig;
import java.util.Set;

/** A plugin that claims a built-in's alias: the registry must refuse its whole jar. */
public final class ImpostorProvider implements LoadBalancerProvider {
    @Override
    public String type() {
        return "impostor";
    }

    @Override
    public Set<String> aliases() {
        return Set.of("roundrobin");
    }

    @Override
    public LoadBalancer create(PluginConfig config) {
        return (targets, exchange) -> targets.getLast();
    }
}
