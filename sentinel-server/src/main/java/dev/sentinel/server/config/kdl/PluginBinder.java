package dev.sentinel.server.config.kdl;

import dev.sentinel.server.plugin.PluginNames;
import dev.sentinel.server.plugin.PluginRegistry;
import dev.sentinel.spi.PluginProvider;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Binds one plugin instance of any kind: finds the provider its type names in the {@link PluginRegistry},
 * lets it read its settings once to check them, reporting its errors, and every setting it did not ask for,
 * at their file:line, and hands back a factory for the live instances each configuration makes.
 */
final class PluginBinder {
    private PluginBinder() {
    }

    /**
     * @param type    the type as written, with its location
     * @param named   how errors name the choice: {@code load-balancing "x"}, {@code filter type "x"}
     * @param planned Zentinel's types of this kind (normalised) that Sentinel does not implement yet
     * @param configs makes a fresh settings view; called for the check and for every live instance
     * @return the factory, or {@code null} after reporting why not
     */
    static <T> Supplier<T> bind(Class<? extends PluginProvider<T>> kind, KdlValue.Str type, String named,
                                Set<String> planned,
                                Supplier<KdlPluginConfig> configs, String label, PluginRegistry plugins,
                                Diagnostics diag) {
        PluginProvider<T> provider = plugins.find(kind, type.value());
        if (provider == null) {
            String why = planned.contains(PluginNames.normalise(type.value())) ? " is not supported yet by Sentinel"
                    : " is unknown; available: " + (plugins.types(kind).isEmpty() ? "none installed"
                    : String.join(", ", plugins.types(kind)));
            diag.error(type.location(), named + why);
            return null;
        }
        KdlPluginConfig config = configs.get();
        try {
            provider.create(config);
        } catch (dev.sentinel.spi.ConfigException e) {
            diag.error(new KdlLocation(e.file(), e.line(), e.column()), e.reason());
            return null;
        } catch (RuntimeException | LinkageError e) {
            // A plugin bug, or a plugin built against another SPI: refuse the config rather than start broken.
            diag.error(type.location(), kindName(kind) + " '" + provider.type() + "' failed to read its settings: " + e);
            return null;
        }
        List<dev.sentinel.spi.ConfigException> unknown = config.unknownKeys();
        for (dev.sentinel.spi.ConfigException e : unknown) {
            diag.error(new KdlLocation(e.file(), e.line(), e.column()), e.reason());
        }
        if (!unknown.isEmpty()) {
            return null;
        }
        return () -> {
            try {
                return provider.create(configs.get());
            } catch (dev.sentinel.spi.ConfigException e) {
                throw new IllegalStateException(label + " was valid when checked and is not now: " + e.getMessage(), e);
            }
        };
    }

    static String kindName(Class<?> kind) {
        return PluginRegistry.KINDS.stream().filter(k -> k.type() == kind).map(PluginRegistry.Kind::name)
                .findFirst().orElse(kind.getSimpleName());
    }
}
