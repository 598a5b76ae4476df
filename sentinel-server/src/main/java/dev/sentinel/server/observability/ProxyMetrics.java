package dev.sentinel.server.observability;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sentinel's metrics, registered on a registry of its own (no global state). Labels use route ids,
 * never raw paths, and methods outside the standard set count as {@code OTHER}, so cardinality stays
 * bounded by the config. Per-route and per-upstream series are resolved once per id
 * ({@link #route}, {@link #upstream}) and reused by every request. Every metric: docs/metrics.md.
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
    private final Gauge activeRequests;
    private final Counter requestBodyBytes;
    private final Counter responseBodyBytes;
    private final Counter upstreamAttempts;
    private final Counter upstreamFailures;
    private final Counter upstreamConnectionsOpened;
    private final Histogram upstreamConnectDuration;
    private final Histogram upstreamWritePending;
    private final Map<String, RouteMetrics> routes = new ConcurrentHashMap<>();
    private final Map<String, UpstreamMetrics> upstreams = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> listenerRequests = new ConcurrentHashMap<>();

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
                .withoutExemplars()
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
        activeRequests = Gauge.builder()
                .name("sentinel_active_requests")
                .help("Requests being handled, by route")
                .labelNames("route")
                .withoutExemplars()
                .register(registry);
        requestBodyBytes = Counter.builder()
                .name("sentinel_request_body_bytes_total")
                .help("Request body bytes read from clients, by route; added when each request ends")
                .labelNames("route")
                .withoutExemplars()
                .register(registry);
        responseBodyBytes = Counter.builder()
                .name("sentinel_response_body_bytes_total")
                .help("Response body bytes written to clients, by route; added when each request ends")
                .labelNames("route")
                .withoutExemplars()
                .register(registry);
        upstreamAttempts = Counter.builder()
                .name("sentinel_upstream_attempts_total")
                .help("Requests sent to an upstream's targets")
                .labelNames("upstream")
                .withoutExemplars()
                .register(registry);
        upstreamFailures = Counter.builder()
                .name("sentinel_upstream_failures_total")
                .help("Attempts the upstream failed: connect_failure, timeout, server_error (5xx) or failure")
                .labelNames("upstream", "reason")
                .withoutExemplars()
                .register(registry);
        upstreamConnectionsOpened = Counter.builder()
                .name("sentinel_upstream_connections_opened_total")
                .help("TCP connections opened to an upstream's targets; reuse ratio = 1 - opened / attempts")
                .labelNames("upstream")
                .withoutExemplars()
                .register(registry);
        upstreamConnectDuration = Histogram.builder()
                .name("sentinel_upstream_connect_duration_seconds")
                .help("Time to establish a TCP connection to a target")
                .unit(io.prometheus.metrics.model.snapshots.Unit.SECONDS)
                .labelNames("upstream")
                .classicOnly()
                .classicUpperBounds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
                .withoutExemplars()
                .register(registry);
        upstreamWritePending = Histogram.builder()
                .name("sentinel_upstream_write_pending_seconds")
                .help("Per request with a body: time its chunks waited on the upstream connection to be written")
                .unit(io.prometheus.metrics.model.snapshots.Unit.SECONDS)
                .labelNames("upstream")
                .classicOnly()
                .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
                .withoutExemplars()
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

    /** The series of route {@code routeId} ({@link #NO_ROUTE} for unmatched requests). */
    public RouteMetrics route(String routeId) {
        RouteMetrics found = routes.get(routeId);
        return found != null ? found : routes.computeIfAbsent(routeId, id -> new RouteMetrics(id,
                activeRequests.labelValues(id), requestBodyBytes.labelValues(id), responseBodyBytes.labelValues(id),
                duration.labelValues(id)));
    }

    /** The series of upstream {@code upstreamId}. */
    public UpstreamMetrics upstream(String upstreamId) {
        UpstreamMetrics found = upstreams.get(upstreamId);
        return found != null ? found : upstreams.computeIfAbsent(upstreamId, id -> new UpstreamMetrics(id,
                upstreamAttempts.labelValues(id), upstreamFailures, upstreamConnectionsOpened.labelValues(id),
                upstreamConnectDuration.labelValues(id), upstreamWritePending.labelValues(id)));
    }

    /** A request arrived on listener {@code listenerId} (for its JMX view). */
    public void requestArrived(String listenerId) {
        LongAdder found = listenerRequests.get(listenerId);
        (found != null ? found : listenerRequests.computeIfAbsent(listenerId, id -> new LongAdder())).increment();
    }

    /** Requests that arrived on listener {@code listenerId} since start. */
    public long listenerRequests(String listenerId) {
        LongAdder found = listenerRequests.get(listenerId);
        return found == null ? 0 : found.sum();
    }

    /** Requests refused so far, by reason, sorted. */
    public Map<String, Long> requestRefusals() {
        return byLabel(refusedRequests, "reason");
    }

    /** Connections refused or cut so far, by reason, sorted. */
    public Map<String, Long> connectionRefusals() {
        return byLabel(refusedConnections, "reason");
    }

    /** Requests filters answered themselves so far, by {@code filter/decision} ({@code limit/deny}), sorted. */
    public Map<String, Long> filterDecisions() {
        Map<String, Long> counts = new TreeMap<>();
        filterDecisions.collect().getDataPoints().forEach(p -> counts.put(
                p.getLabels().get("filter") + "/" + p.getLabels().get("decision"), (long) p.getValue()));
        return counts;
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

    /**
     * Records one completed request (answered, failed or cut short) of a route whose {@link RouteMetrics#started}
     * was called; {@code bytesIn}/{@code bytesOut} are the body bytes actually read and written.
     */
    public void requestCompleted(RouteMetrics route, String method, int status, long nanos, long bytesIn,
                                 long bytesOut) {
        String methodLabel = METHODS.contains(method) ? method : "OTHER";
        RouteMetrics.Answered series = route.lastAnswered();
        if (series == null || !series.is(methodLabel, status)) {
            series = new RouteMetrics.Answered(methodLabel, status,
                    requests.labelValues(route.routeId(), methodLabel, statusLabel(status)));
            route.lastAnswered(series);
        }
        series.count().inc();
        route.completed(status, nanos, bytesIn, bytesOut);
    }

    /** The registry, for metrics kept beside these ({@link HealthMetrics}). */
    public PrometheusRegistry registry() {
        return registry;
    }

    /** Writes every metric in the Prometheus text format. */
    public void writeTo(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }

    private static Map<String, Long> byLabel(Counter counter, String label) {
        Map<String, Long> counts = new TreeMap<>();
        counter.collect().getDataPoints().forEach(p -> counts.put(p.getLabels().get(label), (long) p.getValue()));
        return counts;
    }

    private static String statusLabel(int status) {
        return status >= 100 && status <= 599 ? Integer.toString(status) : "other";
    }
}
