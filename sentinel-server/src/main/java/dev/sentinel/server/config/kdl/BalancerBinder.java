package dev.sentinel.server.config.kdl;

import dev.sentinel.server.config.UpstreamConfig;
import dev.sentinel.server.plugin.PluginRegistry;
import dev.sentinel.spi.LoadBalancer;
import dev.sentinel.spi.LoadBalancerProvider;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** {@code load-balancing "TYPE" { settings }} of an upstream, bound through {@link PluginBinder}. */
final class BalancerBinder {
    /** The type and how to make a balancer of it. */
    record Bound(String type, Supplier<LoadBalancer> factory) {
    }

    /** Zentinel's algorithms (normalised) that Sentinel does not implement yet. */
    private static final Set<String> PLANNED = Set.of("least_tokens_queued", "leasttokensqueued", "least_tokens",
            "locality_aware", "localityaware", "locality", "deterministic_subset", "subset", "subsetting");

    private BalancerBinder() {
    }

    /**
     * @param node {@code load-balancing}, or {@code null} for the default ({@code round_robin})
     * @return the bound balancer, or {@code null} after reporting why not
     */
    static Bound bind(Block upstream, KdlNode node, PluginRegistry plugins) {
        Diagnostics diag = upstream.diagnostics();
        KdlNode balancing = node != null ? node : new KdlNode("load-balancing", null,
                List.of(new KdlValue.Str(UpstreamConfig.DEFAULT_LOAD_BALANCING, null, upstream.node().location())),
                Map.of(), List.of(), upstream.node().location());
        if (balancing.arguments().size() != 1 || !(balancing.arguments().getFirst() instanceof KdlValue.Str written)
                || !balancing.properties().isEmpty()) {
            diag.error(balancing.location(), "'load-balancing' takes one name, e.g. load-balancing \"round_robin\", "
                    + "and an optional block of settings");
            return null;
        }
        String label = "load-balancing \"" + written.value() + "\" in " + upstream.label();
        Supplier<LoadBalancer> factory = PluginBinder.bind(LoadBalancerProvider.class, written,
                "load-balancing \"" + written.value() + "\"", PLANNED,
                () -> new KdlPluginConfig(balancing, label, plugins), label, plugins, diag);
        return factory == null ? null : new Bound(plugins.find(LoadBalancerProvider.class, written.value()).type(),
                factory);
    }
}
