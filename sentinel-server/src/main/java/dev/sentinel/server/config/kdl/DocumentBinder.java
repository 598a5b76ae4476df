package dev.sentinel.server.config.kdl;

import dev.sentinel.server.config.FilterConfig;
import dev.sentinel.server.config.LimitsConfig;
import dev.sentinel.server.config.ListenerConfig;
import dev.sentinel.server.config.ObservabilityConfig;
import dev.sentinel.server.config.RouteConfig;
import dev.sentinel.server.config.SentinelConfig;
import dev.sentinel.server.config.SystemConfig;
import dev.sentinel.server.config.UpstreamConfig;
import dev.sentinel.server.plugin.PluginRegistry;
import java.util.List;
import java.util.Map;

/** Binds the top level of a document and checks the references between blocks. */
final class DocumentBinder {
    private static final String SCHEMA_VERSION = "1.0";

    private final String fileName;
    private final String sha256;
    private final List<KdlNode> document;
    private final PluginRegistry plugins;
    private final Diagnostics diag = new Diagnostics();

    DocumentBinder(String fileName, String sha256, List<KdlNode> document, PluginRegistry plugins) {
        this.fileName = fileName;
        this.sha256 = sha256;
        this.document = document;
        this.plugins = plugins;
    }

    SentinelConfig bind() throws ConfigException {
        KdlLocation start = new KdlLocation(fileName, 1, 1);
        Block root = new Block(new KdlNode("document", null, List.of(), Map.of(), document, start),
                "the top level", diag);

        KdlNode schemaVersion = root.child("schema-version", "version");
        if (schemaVersion != null) {
            String version = root.string(schemaVersion);
            if (version != null && !version.equals(SCHEMA_VERSION)) {
                diag.error(schemaVersion.location(), "schema-version \"" + version
                        + "\" is not supported; Sentinel reads schema-version \"" + SCHEMA_VERSION + "\"");
            }
        }
        KdlNode systemNode = root.child("system", "server");
        KdlNode listenersNode = root.child("listeners");
        KdlNode routesNode = root.child("routes");
        KdlNode upstreamsNode = root.child("upstreams");
        KdlNode limitsNode = root.child("limits");
        KdlNode observabilityNode = root.child("observability");
        KdlNode filtersNode = root.child("filters");
        KdlNode agentsNode = root.child("agents");
        root.notYetSupported("waf", "namespace", "rate-limits", "cache", "include");
        root.finish();

        if (systemNode == null) {
            diag.error(start, "missing required block 'system'");
        }
        if (listenersNode == null) {
            diag.error(start, "missing required block 'listeners'");
        }
        SystemConfig system = systemNode == null ? SystemConfig.defaults()
                : SimpleBlocks.system(new Block(systemNode, "system", diag));
        ListenerBinder.Bound listeners = listenersNode == null ? ListenerBinder.Bound.EMPTY
                : ListenerBinder.bind(new Block(listenersNode, "listeners", diag));
        RouteBinder.Bound routes = routesNode == null ? RouteBinder.Bound.EMPTY
                : RouteBinder.bind(new Block(routesNode, "routes", diag));
        UpstreamBinder.Bound upstreams = upstreamsNode == null ? UpstreamBinder.Bound.EMPTY
                : UpstreamBinder.bind(new Block(upstreamsNode, "upstreams", diag), plugins);
        AgentBinder.Bound agents = agentsNode == null ? AgentBinder.Bound.EMPTY
                : AgentBinder.bind(new Block(agentsNode, "agents", diag), plugins);
        Map<String, FilterConfig> filters = filtersNode == null ? Map.of()
                : FilterBinder.bind(new Block(filtersNode, "filters", diag), plugins, agents);
        LimitsConfig limits = limitsNode == null ? LimitsConfig.defaults()
                : SimpleBlocks.limits(new Block(limitsNode, "limits", diag));
        ObservabilityConfig observability = observabilityNode == null ? ObservabilityConfig.defaults()
                : ObservabilityBinder.bind(new Block(observabilityNode, "observability", diag));

        checkReferences(listeners, listenersNode, routes, upstreams);
        checkFilterReferences(routes, filters, filtersNode);
        diag.throwIfAny();
        return new SentinelConfig(fileName, sha256, system, listeners.listeners(), routes.routes(), upstreams.upstreams(),
                filters, agents.agents(), limits, observability);
    }

    /** Every filter a route names is defined; one that is not is reported once per mention. */
    private void checkFilterReferences(RouteBinder.Bound routes, Map<String, FilterConfig> filters, KdlNode filtersNode) {
        for (RouteConfig route : routes.routes()) {
            for (int i = 0; i < route.filters().size(); i++) {
                String id = route.filters().get(i);
                if (!filters.containsKey(id) && !definedButRefused(filtersNode, id)) {
                    diag.error(routes.filterLocation(route.id(), i), "route '" + route.id() + "' names filter '" + id
                            + "', which is not defined; defined: " + (filters.isEmpty() ? "none (add a 'filters' block)"
                            : String.join(", ", filters.keySet())));
                }
            }
        }
    }

    /** A filter whose definition was refused is reported there already, not again at each route. */
    private static boolean definedButRefused(KdlNode filtersNode, String id) {
        return filtersNode != null && filtersNode.children().stream().anyMatch(c -> c.name().equals("filter")
                && !c.arguments().isEmpty() && c.arguments().getFirst() instanceof KdlValue.Str s
                && s.value().equals(id));
    }

    private void checkReferences(ListenerBinder.Bound listeners, KdlNode listenersNode, RouteBinder.Bound routes,
                                 UpstreamBinder.Bound upstreams) {
        for (RouteConfig route : routes.routes()) {
            if (route.upstream() != null && !upstreams.upstreams().containsKey(route.upstream())) {
                diag.error(routes.upstreamLocation(route.id()), "route '" + route.id()
                        + "' names upstream '" + route.upstream() + "', which is not defined; defined: "
                        + String.join(", ", upstreams.upstreams().keySet()));
            }
        }
        for (ListenerConfig listener : listeners.listeners()) {
            if (listener.defaultRoute() != null && routes.routes().stream()
                    .noneMatch(r -> r.id().equals(listener.defaultRoute()))) {
                diag.error(listeners.defaultRouteLocations().get(listener.id()), "listener '" + listener.id() + "' has default-route '"
                        + listener.defaultRoute() + "', which is not a defined route");
            }
        }
        if (listenersNode != null && listeners.listeners().isEmpty() && !diag.hasErrors()) {
            diag.error(listenersNode.location(), "'listeners' defines no listener");
        }
    }
}
