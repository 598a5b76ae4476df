package dev.sentinel.filters;

import dev.sentinel.spi.ConfigException;
import dev.sentinel.spi.Decision;
import dev.sentinel.spi.Exchange;
import dev.sentinel.spi.Filter;
import dev.sentinel.spi.FilterProvider;
import dev.sentinel.spi.FilterRequest;
import dev.sentinel.spi.FilterResponse;
import dev.sentinel.spi.PluginConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code type "cors"}: answers preflights from allowed origins itself ({@code 204}, the upstream never sees
 * them) and marks the responses to their other requests. A request from an origin that is not allowed goes
 * on untouched and gets no CORS headers, so the browser refuses it (as in Zentinel).
 *
 * <p>The allowed origin is echoed with {@code Vary: Origin}, unless the origins are {@code "*"} and
 * credentials are off, when the answer is {@code *}. Credentials with {@code "*"} are refused at load:
 * they would let any site read responses with the user's cookies.
 */
final class CorsFilter implements Filter {
    /** Zentinel's defaults. */
    static final List<String> DEFAULT_METHODS = List.of("GET", "POST", "PUT", "DELETE", "OPTIONS", "HEAD", "PATCH");
    static final int DEFAULT_MAX_AGE_SECS = 86_400;

    private final boolean anyOrigin;
    private final Set<String> origins;
    private final String methods;
    private final String allowedHeaders;
    private final String exposedHeaders;
    private final boolean credentials;
    private final String maxAge;

    CorsFilter(List<String> origins, List<String> methods, List<String> allowedHeaders, List<String> exposedHeaders,
               boolean credentials, int maxAgeSecs) {
        this.anyOrigin = origins.contains("*");
        this.origins = Set.copyOf(origins);
        this.methods = String.join(", ", methods);
        this.allowedHeaders = allowedHeaders.isEmpty() ? null : String.join(", ", allowedHeaders);
        this.exposedHeaders = exposedHeaders.isEmpty() ? null : String.join(", ", exposedHeaders);
        this.credentials = credentials;
        this.maxAge = Integer.toString(maxAgeSecs);
    }

    @Override
    public Decision onRequest(FilterRequest request) {
        String origin = request.header("Origin");
        if (origin == null || !allowed(origin) || !request.method().equals("OPTIONS")
                || request.header("Access-Control-Request-Method") == null) {
            return Decision.allow();
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Access-Control-Allow-Origin", allowOrigin(origin));
        headers.put("Access-Control-Allow-Methods", methods);
        String requested = request.header("Access-Control-Request-Headers");
        if (allowedHeaders != null) {
            headers.put("Access-Control-Allow-Headers", allowedHeaders);
        } else if (requested != null) {
            headers.put("Access-Control-Allow-Headers", requested);
        }
        if (credentials) {
            headers.put("Access-Control-Allow-Credentials", "true");
        }
        headers.put("Access-Control-Max-Age", maxAge);
        headers.put("Vary", allowedHeaders == null ? "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
                : "Origin, Access-Control-Request-Method");
        return Decision.respond(204, headers, null, null);
    }

    @Override
    public void onResponse(Exchange request, FilterResponse response) {
        if (echoesOrigin()) {
            // The answer depends on Origin whatever it is, so shared caches must keep them apart.
            addVaryOrigin(response);
        }
        String origin = request.header("Origin");
        if (origin == null || !allowed(origin)) {
            return;
        }
        response.setHeader("Access-Control-Allow-Origin", allowOrigin(origin));
        if (credentials) {
            response.setHeader("Access-Control-Allow-Credentials", "true");
        }
        if (exposedHeaders != null) {
            response.setHeader("Access-Control-Expose-Headers", exposedHeaders);
        }
    }

    private boolean allowed(String origin) {
        return anyOrigin || origins.contains(origin);
    }

    private boolean echoesOrigin() {
        return !anyOrigin || credentials;
    }

    private String allowOrigin(String origin) {
        return echoesOrigin() ? origin : "*";
    }

    private static void addVaryOrigin(FilterResponse response) {
        for (String vary : response.headers("Vary")) {
            for (String name : vary.split(",")) {
                String trimmed = name.trim();
                if (trimmed.equalsIgnoreCase("Origin") || trimmed.equals("*")) {
                    return;
                }
            }
        }
        response.addHeader("Vary", "Origin");
    }

    public static final class Provider implements FilterProvider {
        @Override
        public String type() {
            return "cors";
        }

        @Override
        public String description() {
            return "answers CORS preflights and marks responses for allowed origins";
        }

        @Override
        public Filter create(PluginConfig config) throws ConfigException {
            List<String> origins = config.strings("allowed-origins");
            if (origins.isEmpty()) {
                origins = List.of("*");
            }
            for (String origin : origins) {
                if (!origin.equals("*") && !isOrigin(origin)) {
                    throw config.invalid("allowed-origins", "'allowed-origins' holds \"" + origin
                            + "\", which is not an origin (scheme://host[:port], no path) or \"*\"");
                }
            }
            List<String> methods = config.strings("allowed-methods");
            if (methods.isEmpty()) {
                methods = DEFAULT_METHODS;
            }
            for (String method : methods) {
                if (!HeaderNames.isToken(method)) {
                    throw config.invalid("allowed-methods", "'allowed-methods' holds \"" + method
                            + "\", which is not a method");
                }
            }
            List<String> allowedHeaders = config.strings("allowed-headers");
            List<String> exposedHeaders = config.strings("exposed-headers");
            checkNames(config, "allowed-headers", allowedHeaders);
            checkNames(config, "exposed-headers", exposedHeaders);
            boolean credentials = config.bool("allow-credentials", false);
            int maxAge = config.integer("max-age-secs", DEFAULT_MAX_AGE_SECS, 0, Integer.MAX_VALUE);
            if (credentials && origins.contains("*")) {
                throw config.invalid("allow-credentials", "'allow-credentials' needs 'allowed-origins' to list the"
                        + " origins: with \"*\" any site could read responses with the user's credentials");
            }
            return new CorsFilter(origins, methods, allowedHeaders, exposedHeaders, credentials, maxAge);
        }

        private static void checkNames(PluginConfig config, String key, List<String> names) throws ConfigException {
            for (String name : names) {
                if (!name.equals("*") && !HeaderNames.isToken(name)) {
                    throw config.invalid(key, "'" + key + "' holds \"" + name + "\", which is not a header name");
                }
            }
        }

        /** {@code scheme://host[:port]}: what browsers send in {@code Origin}, compared exactly. */
        private static boolean isOrigin(String origin) {
            int sep = origin.indexOf("://");
            if (sep <= 0 || sep + 3 == origin.length() || origin.endsWith("/")) {
                return false;
            }
            for (int i = 0; i < origin.length(); i++) {
                char c = origin.charAt(i);
                if (c <= 0x20 || c >= 0x7f || (i > sep + 2 && c == '/')) {
                    return false;
                }
            }
            return true;
        }
    }
}
