package dev.sentinel.balancers;

import dev.sentinel.spi.ConfigException;
import dev.sentinel.spi.Exchange;
import dev.sentinel.spi.LoadBalancerProvider;
import dev.sentinel.spi.Outcome;
import dev.sentinel.spi.PluginConfig;
import dev.sentinel.spi.PluginProvider;
import dev.sentinel.spi.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/** Targets, exchanges and configs for balancer tests, without a server. */
final class Fixtures {
    private Fixtures() {
    }

    /** {@code n} targets 10.0.0.1:80 … with weight 1. */
    static List<Target> targets(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> new Target("10.0.0." + i, 80, 1)).toList();
    }

    static List<Target> weighted(int... weights) {
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            targets.add(new Target("10.0.1." + (i + 1), 80, weights[i]));
        }
        return List.copyOf(targets);
    }

    static Exchange exchange() {
        return new FakeExchange("192.0.2.1", Map.of(), Map.of());
    }

    static FakeExchange fromClient(String clientIp) {
        return new FakeExchange(clientIp, Map.of(), Map.of());
    }

    /** An exchange that records the response headers a balancer adds. */
    record FakeExchange(String clientAddress, Map<String, String> requestHeaders, Map<String, String> cookies,
                        List<String> added) implements Exchange {
        FakeExchange(String clientAddress, Map<String, String> requestHeaders, Map<String, String> cookies) {
            this(clientAddress, requestHeaders, cookies, new ArrayList<>());
        }

        FakeExchange withHeader(String name, String value) {
            Map<String, String> headers = new HashMap<>(requestHeaders);
            headers.put(name.toLowerCase(), value);
            return new FakeExchange(clientAddress, headers, cookies);
        }

        FakeExchange withCookie(String name, String value) {
            Map<String, String> jar = new HashMap<>(cookies);
            jar.put(name, value);
            return new FakeExchange(clientAddress, requestHeaders, jar);
        }

        @Override
        public String method() {
            return "GET";
        }

        @Override
        public String path() {
            return "/";
        }

        @Override
        public String query() {
            return null;
        }

        @Override
        public String header(String name) {
            return requestHeaders.get(name.toLowerCase());
        }

        @Override
        public List<String> headers(String name) {
            String value = header(name);
            return value == null ? List.of() : List.of(value);
        }

        @Override
        public String cookie(String name) {
            return cookies.get(name);
        }

        @Override
        public String routeId() {
            return "r";
        }

        @Override
        public String upstreamId() {
            return "u";
        }

        @Override
        public void addResponseHeader(String name, String value) {
            added.add(name + ": " + value);
        }

        @Override
        public void setResponseHeader(String name, String value) {
            throw new UnsupportedOperationException("no balancer sets a response header");
        }
    }

    static Outcome outcome(Outcome.Kind kind, int status, Duration latency) {
        return Outcome.of(kind, status, latency);
    }

    /** A {@link PluginConfig} over a map of already-typed values; unknown keys are not checked here. */
    record MapConfig(String type, Map<String, Object> values) implements PluginConfig {
        static MapConfig empty(String type) {
            return new MapConfig(type, Map.of());
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
            int value = (Integer) values.getOrDefault(key, fallback);
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
            String name = string(key, fallbackType);
            if (providerType == LoadBalancerProvider.class && name.equals("round_robin")) {
                return providerType.cast(new RoundRobin.Provider()).create(empty(name));
            }
            throw invalid(key, "no " + name + " in tests");
        }

        @Override
        public ConfigException invalid(String key, String reason) {
            return new ConfigException("test.kdl", 1, 1, key, reason);
        }
    }
}
