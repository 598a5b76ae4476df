package dev.sentinel.server.routing;

import dev.sentinel.server.config.MatchConfig;
import dev.sentinel.server.config.RouteConfig;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A route with its conditions ready to test. Conditions of one kind are alternatives; every kind
 * that has conditions must hold.
 */
public final class CompiledRoute {
    private final RouteConfig config;
    private final MatchConfig match;
    private final List<HostPattern> hosts;
    private final Specificity specificity;

    CompiledRoute(RouteConfig config) {
        this.config = config;
        this.match = config.matches();
        this.hosts = match.hosts().stream().map(HostPattern::of).toList();
        this.specificity = Specificity.of(match);
    }

    public RouteConfig config() {
        return config;
    }

    public String id() {
        return config.id();
    }

    Specificity specificity() {
        return specificity;
    }

    boolean matches(RoutingRequest request) {
        return anyPath(request.path())
                && (hosts.isEmpty() || anyHost(request.host()))
                && (match.methods().isEmpty() || match.methods().contains(request.method()))
                && (match.headers().isEmpty() || anyHeader(request))
                && (match.queryParams().isEmpty() || anyQueryParam(request.query()));
    }

    /** The longest of the route's {@code path-prefix} conditions that {@code path} matches, or {@code null}. */
    public String matchedPathPrefix(String path) {
        String longest = null;
        for (String prefix : match.pathPrefixes()) {
            if (isPrefix(prefix, path) && (longest == null || prefix.length() > longest.length())) {
                longest = prefix;
            }
        }
        return longest;
    }

    private boolean anyPath(String path) {
        boolean constrained = !match.paths().isEmpty() || !match.pathPrefixes().isEmpty()
                || !match.pathRegexes().isEmpty();
        if (!constrained) {
            return true;
        }
        for (String exact : match.paths()) {
            if (exact.equals(path)) {
                return true;
            }
        }
        for (String prefix : match.pathPrefixes()) {
            if (isPrefix(prefix, path)) {
                return true;
            }
        }
        for (Pattern regex : match.pathRegexes()) {
            if (regex.matcher(path).find()) {
                return true;
            }
        }
        return false;
    }

    /** Segment-aware: {@code /v2} matches {@code /v2} and {@code /v2/x}, never {@code /v2x}. */
    static boolean isPrefix(String prefix, String path) {
        if (!path.startsWith(prefix)) {
            return false;
        }
        return prefix.endsWith("/") || path.length() == prefix.length() || path.charAt(prefix.length()) == '/';
    }

    private boolean anyHost(String host) {
        for (HostPattern pattern : hosts) {
            if (pattern.matches(host)) {
                return true;
            }
        }
        return false;
    }

    private boolean anyHeader(RoutingRequest request) {
        for (MatchConfig.HeaderMatch header : match.headers()) {
            if (request.hasHeader(header.name(), header.value())) {
                return true;
            }
        }
        return false;
    }

    private boolean anyQueryParam(String query) {
        if (query == null) {
            return false;
        }
        for (MatchConfig.QueryParamMatch param : match.queryParams()) {
            if (QueryString.has(query, param.name(), param.value())) {
                return true;
            }
        }
        return false;
    }
}
