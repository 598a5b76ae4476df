package dev.sentinel.filters;

import dev.sentinel.spi.ConfigException;
import dev.sentinel.spi.Decision;
import dev.sentinel.spi.Filter;
import dev.sentinel.spi.FilterProvider;
import dev.sentinel.spi.FilterRequest;
import dev.sentinel.spi.PluginConfig;
import java.util.Set;

/**
 * {@code type "redirect"}: answers every request with a redirect to the same URL with some parts replaced
 * ({@code scheme}, {@code hostname}, {@code port}, the path), keeping the query, as Gateway API's
 * {@code RequestRedirect}. The port, when not given, is the scheme's default if {@code scheme} is given
 * and the request's own otherwise; a default port is never written.
 */
final class RedirectFilter implements Filter {
    private static final Set<Integer> STATUSES = Set.of(301, 302, 303, 307, 308);

    private final int status;
    private final String scheme;
    private final String hostname;
    private final int port;
    private final PathModifier path;

    /**
     * @param scheme   {@code null} to keep the request's
     * @param hostname {@code null} to keep the request's
     * @param port     0 when not given
     */
    RedirectFilter(int status, String scheme, String hostname, int port, PathModifier path) {
        this.status = status;
        this.scheme = scheme;
        this.hostname = hostname;
        this.port = port;
        this.path = path;
    }

    @Override
    public Decision onRequest(FilterRequest request) {
        String newPath = path.apply(request.path(), request.matchedPathPrefix());
        if (newPath == null) {
            return Decision.deny(400, "bad request");
        }
        String toScheme = scheme != null ? scheme : request.scheme();
        String host = hostname != null ? hostname : request.host();
        if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        int toPort = port != 0 ? port : scheme != null ? 0 : requestPort(request);
        boolean defaultPort = toPort == 0 || (toScheme.equals("http") && toPort == 80)
                || (toScheme.equals("https") && toPort == 443);
        StringBuilder location = new StringBuilder(toScheme).append("://").append(host);
        if (!defaultPort) {
            location.append(':').append(toPort);
        }
        location.append(newPath);
        if (request.query() != null) {
            location.append('?').append(request.query());
        }
        return Decision.redirect(status, location.toString());
    }

    /** The port the client addressed, from {@code Host}, or 0 when it named none. */
    private static int requestPort(FilterRequest request) {
        String authority = request.header("Host");
        if (authority == null) {
            return 0;
        }
        int colon = authority.lastIndexOf(':');
        if (colon < 0 || authority.indexOf(']', colon) >= 0) {
            return 0;
        }
        try {
            return Integer.parseInt(authority.substring(colon + 1));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    public static final class Provider implements FilterProvider {
        @Override
        public String type() {
            return "redirect";
        }

        @Override
        public String description() {
            return "answers with a redirect to another scheme, host, port or path";
        }

        @Override
        public Filter create(PluginConfig config) throws ConfigException {
            int status = config.integer("status-code", 302, 301, 308);
            if (!STATUSES.contains(status)) {
                throw config.invalid("status-code", "'status-code' is 301, 302, 303, 307 or 308");
            }
            String scheme = config.string("scheme", null);
            if (scheme != null && !scheme.equals("http") && !scheme.equals("https")) {
                throw config.invalid("scheme", "'scheme' is \"http\" or \"https\"");
            }
            String hostname = Hostnames.read(config, "hostname");
            int port = config.integer("port", 0, 1, 65535);
            PathModifier path = PathModifier.read(config);
            if (scheme == null && hostname == null && port == 0 && path == PathModifier.NONE) {
                throw config.invalid(null, "a redirect filter needs at least one of 'scheme', 'hostname', 'port',"
                        + " 'replace-full-path', 'replace-prefix-match': without, it redirects to itself");
            }
            return new RedirectFilter(status, scheme, hostname, port, path);
        }
    }
}
