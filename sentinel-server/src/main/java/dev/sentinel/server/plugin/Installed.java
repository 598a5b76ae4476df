package dev.sentinel.server.plugin;

import dev.sentinel.spi.PluginProvider;

/**
 * One plugin type the registry offers.
 *
 * @param kind     what it provides
 * @param provider the provider instance, shared by every configuration of the process
 * @param source   {@code built-in}, or the jar it came from ({@code plugins/acme.jar})
 */
public record Installed(PluginRegistry.Kind kind, PluginProvider<?> provider, String source) {
    public String type() {
        return provider.type();
    }
}
