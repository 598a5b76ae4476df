package dev.sentinel.filters;

import dev.sentinel.spi.ConfigException;
import dev.sentinel.spi.Decision;
import dev.sentinel.spi.Filter;
import dev.sentinel.spi.FilterProvider;
import dev.sentinel.spi.FilterRequest;
import dev.sentinel.spi.PluginConfig;

/**
 * {@code type "url-rewrite"}: sends the request upstream with another {@code Host} ({@code hostname}) and
 * path ({@code replace-full-path}, {@code replace-prefix-match}), keeping the query. Sentinel's
 * {@code X-Forwarded-Host} still names the host the client asked for.
 */
final class UrlRewriteFilter implements Filter {
    private final String hostname;
    private final PathModifier path;

    /** @param hostname {@code null} to keep the request's {@code Host} */
    UrlRewriteFilter(String hostname, PathModifier path) {
        this.hostname = hostname;
        this.path = path;
    }

    @Override
    public Decision onRequest(FilterRequest request) {
        if (hostname != null) {
            request.setHeader("Host", hostname);
        }
        if (path != PathModifier.NONE) {
            String newPath = path.apply(request.path(), request.matchedPathPrefix());
            if (newPath == null) {
                return Decision.deny(400, "bad request");
            }
            request.setPathAndQuery(newPath, request.query());
        }
        return Decision.allow();
    }

    public static final class Provider implements FilterProvider {
        @Override
        public String type() {
            return "url_rewrite";
        }

        @Override
        public String description() {
            return "rewrites the Host and the path sent upstream";
        }

        @Override
        public Filter create(PluginConfig config) throws ConfigException {
            return new UrlRewriteFilter(Hostnames.read(config, "hostname"), PathModifier.read(config));
        }
    }
}
