package dev.sentinel.server.config;

import java.nio.file.Path;

/**
 * {@code observability { metrics { } logging { access-log { } } }}.
 *
 * @param metrics   the dedicated Prometheus endpoint, or {@code null} when not configured
 * @param accessLog the JSON access log, or {@code null} when off
 */
public record ObservabilityConfig(MetricsEndpoint metrics, AccessLog accessLog) {

    /** A listener of its own that serves the Prometheus text format at {@code path}. */
    public record MetricsEndpoint(String host, int port, String path) {
        public static final String DEFAULT_PATH = "/metrics";
    }

    /**
     * One JSON object per line, written off the request path.
     *
     * @param file           where lines go; {@code null} = standard output
     * @param bufferBytes    the writer's buffer
     * @param includeTraceId whether lines carry {@code trace_id}
     */
    public record AccessLog(Path file, int bufferBytes, boolean includeTraceId) {
        public static final int DEFAULT_BUFFER_BYTES = 8192;
        /** Lines waiting to be written; past it, lines are dropped and counted, never blocking a request. */
        public static final int QUEUE_CAPACITY = 65_536;
    }

    public static ObservabilityConfig defaults() {
        return new ObservabilityConfig(null, null);
    }
}
