package dev.sentinel.server.jmx;

import dev.sentinel.server.plugin.PluginRegistry;
import java.util.List;

/** The {@link PluginsMXBean} of the registry loaded at start (it never changes afterwards). */
public final class PluginsView implements PluginsMXBean {
    private final PluginRegistry plugins;

    public PluginsView(PluginRegistry plugins) {
        this.plugins = plugins;
    }

    @Override
    public List<String> getInstalled() {
        return plugins.installed().stream()
                .map(i -> i.kind().name() + " " + i.type() + " (" + i.source() + ")")
                .toList();
    }

    @Override
    public List<String> getProblems() {
        return plugins.problems();
    }
}
