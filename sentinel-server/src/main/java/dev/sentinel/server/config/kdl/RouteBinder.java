package dev.sentinel.server.config.kdl;

import dev.sentinel.server.config.MatchConfig;
import dev.sentinel.server.config.PoliciesConfig;
import dev.sentinel.server.config.RouteConfig;
import dev.sentinel.server.config.RouteResilienceConfig;
import dev.sentinel.server.config.RouteConfig.Builtin;
import dev.sentinel.server.config.RouteConfig.ServiceType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code routes { route "id" { ... } }}. */
final class RouteBinder {

    /** The routes, and where each names its upstream and its filters (for reference errors). */
    record Bound(List<RouteConfig> routes, Map<String, KdlLocation> upstreamLocations,
                 Map<String, KdlNode> filterNodes) {
        static final Bound EMPTY = new Bound(List.of(), Map.of(), Map.of());

        KdlLocation upstreamLocation(String routeId) {
            return upstreamLocations.get(routeId);
        }

        /** Where the route names its filter number {@code index}. */
        KdlLocation filterLocation(String routeId, int index) {
            return filterNodes.get(routeId).arguments().get(index).location();
        }
    }

    private RouteBinder() {
    }

    static Bound bind(Block routes) {
        routes.expectShape(0);
        List<RouteConfig> bound = new ArrayList<>();
        Map<String, KdlLocation> upstreamLocations = new HashMap<>();
        Map<String, KdlNode> filterNodes = new HashMap<>();
        for (KdlNode node : routes.children("route")) {
            String id = Ids.of(routes, node, "route");
            if (id == null) {
                continue;
            }
            if (bound.stream().anyMatch(r -> r.id().equals(id))) {
                routes.diagnostics().error(node.location(), "route id '" + id + "' is used twice");
            }
            Block b = new Block(node, "route \"" + id + "\"", routes.diagnostics());
            RouteConfig route = route(b, id, upstreamLocations, filterNodes);
            if (route != null) {
                bound.add(route);
            }
        }
        routes.finish();
        return new Bound(bound, upstreamLocations, filterNodes);
    }

    private static RouteConfig route(Block b, String id, Map<String, KdlLocation> upstreamLocations,
                                     Map<String, KdlNode> filterNodes) {
        b.expectShape(1);
        int priority = priority(b);
        KdlNode matchesNode = b.child("matches");
        KdlNode upstreamNode = b.child("upstream");
        String serviceTypeName = b.string("service-type", null);
        String builtinName = b.string("builtin-handler", null);
        KdlNode policiesNode = b.child("policies");
        KdlNode filtersNode = b.child("filters");
        KdlNode retryNode = b.child("retry-policy");
        KdlNode breakerNode = b.child("circuit-breaker");
        b.notYetSupported("static-files", "api-schema", "inference", "cache", "shadow", "waf-enabled",
                "websocket", "websocket-inspection", "fallback");
        b.finish();

        MatchConfig matches = matchesNode == null ? MatchBinder.EMPTY
                : MatchBinder.bind(new Block(matchesNode, b.label() + " matches", b.diagnostics()));
        PoliciesConfig policies = policiesNode == null ? PoliciesConfig.defaults()
                : policies(new Block(policiesNode, b.label() + " policies", b.diagnostics()));
        String upstream = upstreamNode == null ? null : b.string(upstreamNode);
        if (upstream != null) {
            upstreamLocations.put(id, upstreamNode.location());
        }
        Builtin builtin = builtinName == null ? null : builtin(b, builtinName);
        List<String> filters = filtersNode == null ? List.of() : filters(b, filtersNode);
        if (!filters.isEmpty()) {
            filterNodes.put(id, filtersNode);
        }
        RouteResilienceConfig resilience = new RouteResilienceConfig(
                retryNode == null ? null
                        : ResilienceBinder.retryPolicy(new Block(retryNode, b.label() + " retry-policy", b.diagnostics())),
                breakerNode == null ? null : ResilienceBinder.circuitBreaker(
                        new Block(breakerNode, b.label() + " circuit-breaker", b.diagnostics())));

        ServiceType serviceType = serviceType(b, serviceTypeName, builtinName != null);
        if (serviceType == ServiceType.WEB && upstream == null && builtinName == null) {
            b.diagnostics().error(b.node().location(), "route '" + id + "' needs an upstream (or builtin-handler)");
        }
        if (serviceType == ServiceType.BUILTIN && builtinName == null) {
            b.diagnostics().error(b.node().location(), "route '" + id + "' is builtin and needs a builtin-handler");
        }
        if (serviceType == ServiceType.BUILTIN && upstream != null) {
            b.diagnostics().error(upstreamNode.location(), "route '" + id + "' is builtin; it cannot also name an upstream");
        }
        return new RouteConfig(id, priority, matches, serviceType, serviceType == ServiceType.WEB ? upstream : null,
                builtin, filters, policies, resilience);
    }

    /** {@code filters "cors" "limit"}: ids, each at most once. */
    private static List<String> filters(Block b, KdlNode node) {
        List<String> ids = new ArrayList<>();
        if (node.arguments().isEmpty() || !node.properties().isEmpty() || !node.children().isEmpty()) {
            b.diagnostics().error(node.location(), "'filters' takes one or more filter names: filters \"cors\" \"limit\"");
            return List.of();
        }
        for (KdlValue value : node.arguments()) {
            if (!(value instanceof KdlValue.Str s)) {
                b.diagnostics().error(value.location(), "'filters' takes filter names (strings)");
                return List.of();
            }
            if (ids.contains(s.value())) {
                b.diagnostics().error(value.location(), "filter '" + s.value() + "' is listed twice in " + b.label());
                return List.of();
            }
            ids.add(s.value());
        }
        return ids;
    }

    private static int priority(Block b) {
        KdlNode node = b.child("priority");
        if (node == null) {
            return RouteConfig.PRIORITY_NORMAL;
        }
        KdlValue value = b.scalar(node);
        if (value instanceof KdlValue.Str s) {
            return switch (s.value().toLowerCase(Locale.ROOT)) {
                case "low" -> RouteConfig.PRIORITY_LOW;
                case "normal" -> RouteConfig.PRIORITY_NORMAL;
                case "high" -> RouteConfig.PRIORITY_HIGH;
                case "critical" -> RouteConfig.PRIORITY_CRITICAL;
                default -> {
                    b.diagnostics().error(value.location(), "unknown priority \"" + s.value()
                            + "\"; accepted: low, normal, high, critical, or a whole number");
                    yield RouteConfig.PRIORITY_NORMAL;
                }
            };
        }
        Long number = value == null ? null : b.integer("priority", value, 0, 1_000_000);
        return number == null ? RouteConfig.PRIORITY_NORMAL : number.intValue();
    }

    private static ServiceType serviceType(Block b, String name, boolean hasBuiltin) {
        if (name == null) {
            return hasBuiltin ? ServiceType.BUILTIN : ServiceType.WEB;
        }
        return switch (name) {
            case "web" -> ServiceType.WEB;
            case "builtin" -> ServiceType.BUILTIN;
            case "static", "api", "inference" -> {
                b.diagnostics().error(b.node().location(), "service-type \"" + name + "\" is not supported yet by Sentinel");
                yield ServiceType.WEB;
            }
            default -> {
                b.diagnostics().error(b.node().location(), "unknown service-type \"" + name
                        + "\"; accepted: web, builtin");
                yield ServiceType.WEB;
            }
        };
    }

    private static Builtin builtin(Block b, String name) {
        for (Builtin builtin : Builtin.values()) {
            if (builtin.configName().equals(name) || builtin.configName().replace('-', '_').equals(name)) {
                return builtin;
            }
        }
        String planned = switch (name) {
            case "config", "cache-purge", "cache_purge", "cache-stats", "cache_stats" ->
                    " is not supported yet by Sentinel";
            default -> " is unknown; accepted: status, health, metrics, not-found, upstreams";
        };
        b.diagnostics().error(b.node().location(), "builtin-handler \"" + name + "\"" + planned);
        return null;
    }

    private static PoliciesConfig policies(Block b) {
        b.expectShape(0);
        KdlNode requestHeaders = b.child("request-headers");
        KdlNode responseHeaders = b.child("response-headers");
        var timeout = b.seconds(new String[] {"timeout-secs"}, null, 1);
        KdlNode maxBody = b.child("max-body-size", "max-body-size-bytes");
        b.notYetSupported("failure-mode", "rate-limit", "buffer-requests", "buffer-responses", "cache", "rewrite-path");
        b.finish();
        Long maxBodyBytes = maxBody == null ? null : b.bytes(maxBody);
        return new PoliciesConfig(
                requestHeaders == null ? PoliciesConfig.HeaderOps.NONE
                        : HeaderOpsBinder.bind(new Block(requestHeaders, b.label() + " request-headers", b.diagnostics())),
                responseHeaders == null ? PoliciesConfig.HeaderOps.NONE
                        : HeaderOpsBinder.bind(new Block(responseHeaders, b.label() + " response-headers", b.diagnostics())),
                timeout,
                maxBodyBytes == null ? PoliciesConfig.INHERIT : maxBodyBytes);
    }
}
