package dev.sentinel.server.observability;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Set;

/**
 * Sentinel's metrics, registered on a registry of its own (no global state). Labels use route ids,
 * never raw paths, and methods outside the standard set count as {@code OTHER}, so cardinality stays
 * bounded by the config.
 */
public final class ProxyMetrics {
    /** The route label of requests that matched no route. */
    public static final String NO_ROUTE = "none";
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS",
            "TRACE", "CONNECT");

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Counter requests;
    private final Histogram duration;
    private final Counter refusedRequests;
    private final Counter refusedConnections;
    private final Counter accessLogDropped;
    private final Counter reloads;
    private final Counter filterDecisions;
    private final Counter agentCalls;
    private final Histogram agentCallDuration;

    public ProxyMetrics() {
        // Memory, GC, threads, class loading and process figures, under their standard jvm_/process_ names.
        JvmMetrics.builder().register(registry);
        requests = Counter.builder()
                .name("sentinel_requests_total")
                .help("Requests answered, by route, method and status")
                .labelNames("route", "method", "status")
                .register(registry);
        duration = Histogram.builder()
                .name("sentinel_request_duration_seconds")
                .help("Time from request arrival to response completion")
                .unit(io.prometheus.metrics.model.snapshots.Unit.SECONDS)
                .labelNames("route")
                .register(registry);
        refusedRequests = Counter.builder()
                .name("sentinel_requests_refused_total")
                .help("Requests refused before reaching an upstream, by reason")
                .labelNames("reason")
                .register(registry);
        refusedConnections = Counter.builder()
                .name("sentinel_connections_refused_total")
                .help("Connections refused at accept or cut for a limit or abuse, by reason")
                .labelNames("reason")
                .register(registry);
        accessLogDropped = Counter.builder()
                .name("sentinel_access_log_dropped_total")
                .help("Access log lines dropped because the writer fell behind")
                .register(registry);
        reloads = Counter.builder()
                .name("sentinel_config_reloads_total")
                .help("Configuration reload attempts, by result")
                .labelNames("result")
                .register(registry);
        filterDecisions = Counter.builder()
                .name("sentinel_filter_decisions_total")
                .help("Requests a filter answered itself instead of letting them go on, by filter and decision")
                .labelNames("filter", "decision")
                .register(registry);
        agentCalls = Counter.builder()
                .name("sentinel_agent_calls_total")
                .help("Agent calls, by agent, event and result (allow, deny, redirect, respond, timeout, error, "
                        + "overloaded)")
                .labelNames("agent", "event", "result")
                .register(registry);
        agentCallDuration = Histogram.builder()
                .name("sentinel_agent_call_duration_seconds")
                .help("Time the request waited for an agent call, up to its timeout")
                .unit(io.prometheus.metrics.model.snapshots.Unit.SECONDS)
                .labelNames("agent")
                .register(registry);
    }

    /**
     * One agent call: its result ({@code allow}, {@code deny}, {@code redirect}, {@code respond},
     * {@code timeout}, {@code error}, or {@code overloaded} when it was not made), and how long the request
     * waited for it ({@code -1} when it was not made).
     */
    public void agentCalled(String agentId, String event, String result, long nanos) {
        agentCalls.labelValues(agentId, event, result).inc();
        if (nanos >= 0) {
            agentCallDuration.labelValues(agentId).observe(nanos / 1e9);
        }
    }

    /** A filter answered a request: {@code deny}, {@code redirect} or {@code respond}. */
    public void filterDecided(String filterId, String decision) {
        filterDecisions.labelValues(filterId, decision).inc();
    }

    /** A reload attempt: {@code success} or {@code failure} (the running config stayed). */
    public void configReloaded(boolean success) {
        reloads.labelValues(success ? "success" : "failure").inc();
    }

    /** Reload attempts so far with this result. */
    public long configReloads(boolean success) {
        return (long) reloads.labelValues(success ? "success" : "failure").get();
    }

    public void accessLogDropped() {
        accessLogDropped.inc();
    }

    /** A request refused by a limit or a protocol check; {@code reason} is a fixed snake_case word. */
    public void requestRefused(String reason) {
        refusedRequests.labelValues(reason).inc();
    }

    /** A connection refused at accept (limits, IP filter) or cut by a limit or for abuse; {@code reason} as above. */
    public void connectionRefused(String reason) {
        refusedConnections.labelValues(reason).inc();
    }

    /** Records one completed request. */
    public void requestCompleted(String routeId, String method, int status, long nanos) {
        requests.labelValues(routeId, METHODS.contains(method) ? method : "OTHER", statusLabel(status)).inc();
        duration.labelValues(routeId).observe(nanos / 1e9);
    }

    /** The registry, for metrics kept beside these ({@link HealthMetrics}). */
    public PrometheusRegistry registry() {
        return registry;
    }

    /** Writes every metric in the Prometheus text format. */
    public void writeTo(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }

    private static String statusLabel(int status) {
        return status >= 100 && status <= 599 ? Integer.toString(status) : "other";
    }
}
