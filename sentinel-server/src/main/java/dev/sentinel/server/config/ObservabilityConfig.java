package dev.sentinel.server.config;

/**
 * {@code observability { metrics { } }}.
 *
 * @param metrics the dedicated Prometheus endpoint, or {@code null} when not configured
 */
public record ObservabilityConfig(MetricsEndpoint metrics) {

    /** A listener of its own that serves the Prometheus text format at {@code path}. */
    public record MetricsEndpoint(String host, int port, String path) {
        public static final String DEFAULT_PATH = "/metrics";
    }

    public static ObservabilityConfig defaults() {
        return new ObservabilityConfig(null);
    }
}
