package dev.sentinel.filters;

import dev.sentinel.spi.ConfigException;
import dev.sentinel.spi.FilterRequest;
import dev.sentinel.spi.FilterResponse;
import dev.sentinel.spi.PluginConfig;
import dev.sentinel.spi.PluginProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Requests, responses and configs for filter tests, without a server. */
final class Fixtures {
    private Fixtures() {
    }

    /** Case-insensitive, multi-valued headers in insertion order. */
    static class Headers {
        final Map<String, List<String>> values = new LinkedHashMap<>();

        public String header(String name) {
            List<String> all = headers(name);
            return all.isEmpty() ? null : all.getFirst();
        }

        public List<String> headers(String name) {
            return List.copyOf(values.getOrDefault(name.toLowerCase(Locale.ROOT), List.of()));
        }

        public void setHeader(String name, String value) {
            values.put(name.toLowerCase(Locale.ROOT), new ArrayList<>(List.of(value)));
        }

        public void addHeader(String name, String value) {
            values.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>()).add(value);
        }

        public void removeHeader(String name) {
            values.remove(name.toLowerCase(Locale.ROOT));
        }
    }

    /** A request whose changes and added response headers can be inspected. */
    static final class Request extends Headers implements FilterRequest {
        String method = "GET";
        String scheme = "http";
        String host = "example.com";
        String path = "/";
        String query;
        String clientAddress = "192.0.2.1";
        String routeId = "r";
        String matchedPathPrefix;
        final Headers response = new Headers();

        Request with(String name, String value) {
            addHeader(name, value);
            return this;
        }

        @Override
        public String method() {
            return method;
        }

        @Override
        public String path() {
            return path;
        }

        @Override
        public String query() {
            return query;
        }

        @Override
        public String cookie(String name) {
            return null;
        }

        @Override
        public String clientAddress() {
            return clientAddress;
        }

        @Override
        public String routeId() {
            return routeId;
        }

        @Override
        public String upstreamId() {
            return "u";
        }

        @Override
        public void addResponseHeader(String name, String value) {
            response.addHeader(name, value);
        }

        @Override
        public void setResponseHeader(String name, String value) {
            response.setHeader(name, value);
        }

        @Override
        public String scheme() {
            return scheme;
        }

        @Override
        public String host() {
            return host;
        }

        @Override
        public String matchedPathPrefix() {
            return matchedPathPrefix;
        }

        @Override
        public void setPathAndQuery(String path, String query) {
            this.path = path;
            this.query = query;
        }

        @Override
        public byte[] body() {
            return new byte[0];
        }
    }

    static final class Response extends Headers implements FilterResponse {
        int status = 200;

        @Override
        public int status() {
            return status;
        }

        @Override
        public void setStatus(int status) {
            this.status = status;
        }
    }

    /** A {@link PluginConfig} over a map of already-typed values; unknown keys are not checked here. */
    record MapConfig(Map<String, Object> values) implements PluginConfig {
        static MapConfig of(Object... keysAndValues) {
            Map<String, Object> values = new LinkedHashMap<>();
            for (int i = 0; i < keysAndValues.length; i += 2) {
                values.put((String) keysAndValues[i], keysAndValues[i + 1]);
            }
            return new MapConfig(values);
        }

        @Override
        public String type() {
            return "test";
        }

        @Override
        public boolean has(String key) {
            return values.containsKey(key);
        }

        @Override
        public String string(String key, String fallback) {
            return (String) values.getOrDefault(key, fallback);
        }

        @Override
        @SuppressWarnings("unchecked")
        public List<String> strings(String key) {
            return (List<String>) values.getOrDefault(key, List.of());
        }

        @Override
        @SuppressWarnings("unchecked")
        public Map<String, String> pairs(String key) {
            return (Map<String, String>) values.getOrDefault(key, Map.of());
        }

        @Override
        public int integer(String key, int fallback, int min, int max) throws ConfigException {
            if (!values.containsKey(key)) {
                return fallback;
            }
            int value = (Integer) values.get(key);
            if (value < min || value > max) {
                throw invalid(key, "'" + key + "' must be between " + min + " and " + max);
            }
            return value;
        }

        @Override
        public long bytes(String key, long fallback) {
            return (Long) values.getOrDefault(key, fallback);
        }

        @Override
        public Duration duration(String key, Duration fallback) {
            return (Duration) values.getOrDefault(key, fallback);
        }

        @Override
        public boolean bool(String key, boolean fallback) {
            return (Boolean) values.getOrDefault(key, fallback);
        }

        @Override
        public <T, P extends PluginProvider<T>> T plugin(String key, Class<P> providerType, String fallbackType)
                throws ConfigException {
            throw invalid(key, "no plugins in filter tests");
        }

        @Override
        public ConfigException invalid(String key, String reason) {
            return new ConfigException("test.kdl", 1, 1, key, reason);
        }
    }
}
