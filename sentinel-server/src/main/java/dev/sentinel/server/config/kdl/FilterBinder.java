package dev.sentinel.server.config.kdl;

import dev.sentinel.server.config.FilterConfig;
import dev.sentinel.server.plugin.PluginNames;
import dev.sentinel.server.plugin.PluginRegistry;
import dev.sentinel.spi.Filter;
import dev.sentinel.spi.FilterProvider;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code filters { filter "id" { type "TYPE" settings… } }}: each filter is a plugin of the kind
 * {@link FilterProvider}, whose settings are the block's children other than {@code type}; a filter of type
 * {@code "agent"} puts an agent on routes instead ({@link AgentFilterBinder}).
 */
final class FilterBinder {
    /** Zentinel's filter types (normalised) that Sentinel does not implement yet. */
    private static final Set<String> PLANNED = Set.of("compress", "timeout", "log", "geo");

    private FilterBinder() {
    }

    static Map<String, FilterConfig> bind(Block filters, PluginRegistry plugins, AgentBinder.Bound agents) {
        filters.expectShape(0);
        Map<String, FilterConfig> bound = new LinkedHashMap<>();
        Map<String, KdlNode> seen = new LinkedHashMap<>();
        for (KdlNode node : filters.children("filter")) {
            String id = Ids.of(filters, node, "filter");
            if (id == null) {
                continue;
            }
            KdlNode first = seen.putIfAbsent(id, node);
            if (first != null) {
                filters.diagnostics().error(node.location(), "filter id '" + id + "' is used twice (first at line "
                        + first.location().line() + ")");
                continue;
            }
            FilterConfig filter = filter(filters, node, id, plugins, agents);
            if (filter != null) {
                bound.put(id, filter);
            }
        }
        filters.finish();
        return bound;
    }

    private static FilterConfig filter(Block filters, KdlNode node, String id, PluginRegistry plugins,
                                       AgentBinder.Bound agents) {
        Diagnostics diag = filters.diagnostics();
        String label = "filter \"" + id + "\"";
        if (node.arguments().size() != 1 || !node.properties().isEmpty()) {
            diag.error(node.location(), label + " takes its name only, then a block: filter \"" + id
                    + "\" { type \"headers\" … }");
            return null;
        }
        KdlNode typeNode = node.children().stream().filter(c -> c.name().equals("type")).findFirst().orElse(null);
        if (typeNode == null || typeNode.arguments().size() != 1
                || !(typeNode.arguments().getFirst() instanceof KdlValue.Str type)
                || !typeNode.properties().isEmpty() || !typeNode.children().isEmpty()) {
            diag.error(typeNode == null ? node.location() : typeNode.location(), label
                    + " needs its type: type \"NAME\"; available: "
                    + String.join(", ", plugins.types(FilterProvider.class)));
            return null;
        }
        if (node.children().stream().filter(c -> c.name().equals("type")).count() > 1) {
            diag.error(node.location(), label + " gives 'type' more than once");
            return null;
        }
        if (PluginNames.normalise(type.value()).equals(FilterConfig.AGENT_TYPE)) {
            return AgentFilterBinder.bind(node, id, agents, diag);
        }
        Supplier<Filter> factory = PluginBinder.bind(FilterProvider.class, type, label + " has type \""
                        + type.value() + "\", which", PLANNED,
                () -> KdlPluginConfig.typedBlock(node, type.value(), label, plugins, "type"), label, plugins, diag);
        return factory == null ? null
                : new FilterConfig(id, plugins.find(FilterProvider.class, type.value()).type(), factory);
    }
}
