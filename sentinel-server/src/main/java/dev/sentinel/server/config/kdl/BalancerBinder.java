package dev.sentinel.server.config.kdl;

import dev.sentinel.server.config.UpstreamConfig;
import dev.sentinel.server.plugin.PluginNames;
import dev.sentinel.server.plugin.PluginRegistry;
import dev.sentinel.spi.LoadBalancer;
import dev.sentinel.spi.LoadBalancerProvider;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code load-balancing "TYPE" { settings }} of an upstream: finds the provider of that type in the
 * {@link PluginRegistry} and lets it read its settings through a {@link KdlPluginConfig}, reporting its
 * errors, and every setting it did not ask for, at their file:line.
 */
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
        String name = written.value();
        LoadBalancerProvider provider = plugins.find(LoadBalancerProvider.class, name);
        if (provider == null) {
            String why = PLANNED.contains(PluginNames.normalise(name)) ? " is not supported yet by Sentinel"
                    : " is unknown; available: " + String.join(", ", plugins.types(LoadBalancerProvider.class));
            diag.error(written.location(), "load-balancing \"" + name + "\"" + why);
            return null;
        }
        String label = "load-balancing \"" + name + "\" in " + upstream.label();
        if (!configure(provider, balancing, label, plugins, diag)) {
            return null;
        }
        Supplier<LoadBalancer> factory = () -> {
            try {
                return provider.create(new KdlPluginConfig(balancing, label, plugins));
            } catch (dev.sentinel.spi.ConfigException e) {
                throw new IllegalStateException(label + " was valid when checked and is not now: " + e.getMessage(), e);
            }
        };
        return new Bound(provider.type(), factory);
    }

    /** Creates one balancer to check the settings; reports every problem and returns whether there was none. */
    private static boolean configure(LoadBalancerProvider provider, KdlNode balancing, String label,
                                     PluginRegistry plugins, Diagnostics diag) {
        KdlPluginConfig config = new KdlPluginConfig(balancing, label, plugins);
        try {
            provider.create(config);
        } catch (dev.sentinel.spi.ConfigException e) {
            diag.error(new KdlLocation(e.file(), e.line(), e.column()), e.reason());
            return false;
        } catch (RuntimeException | LinkageError e) {
            // A plugin bug, or a plugin built against another SPI: refuse the config rather than start broken.
            diag.error(balancing.location(), "load balancer '" + provider.type() + "' failed to read its settings: "
                    + e);
            return false;
        }
        List<dev.sentinel.spi.ConfigException> unknown = config.unknownKeys();
        for (dev.sentinel.spi.ConfigException e : unknown) {
            diag.error(new KdlLocation(e.file(), e.line(), e.column()), e.reason());
        }
        return unknown.isEmpty();
    }
}
