package dev.sentinel.server.observability;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * One route's series, resolved once per route id so that a request touches no label maps: requests in
 * flight, body bytes both ways, the duration histogram, and the figures its JMX view reports
 * (requests, 5xx answers, mean and recent latency).
 */
public final class RouteMetrics {
    /** Weight of the newest request in {@link #recentLatencyNanos()}: 1/16. */
    private static final int RECENT_WEIGHT_SHIFT = 4;

    private final String routeId;
    private final GaugeDataPoint active;
    private final CounterDataPoint requestBodyBytes;
    private final CounterDataPoint responseBodyBytes;
    private final DistributionDataPoint duration;
    private final LongAdder requests = new LongAdder();
    private final LongAdder serverErrors = new LongAdder();
    private final LongAdder latencyNanos = new LongAdder();
    private final AtomicLong recentNanos = new AtomicLong();
    private volatile Answered lastAnswered;

    /**
     * A {@code sentinel_requests_total} series of this route. The last one used is kept: a route's requests
     * mostly share a method and status, and then a request resolves no labels (which allocates).
     */
    record Answered(String method, int status, CounterDataPoint count) {
        boolean is(String method, int status) {
            return this.status == status && this.method.equals(method);
        }
    }

    RouteMetrics(String routeId, GaugeDataPoint active, CounterDataPoint requestBodyBytes,
                 CounterDataPoint responseBodyBytes, DistributionDataPoint duration) {
        this.routeId = routeId;
        this.active = active;
        this.requestBodyBytes = requestBodyBytes;
        this.responseBodyBytes = responseBodyBytes;
        this.duration = duration;
    }

    public String routeId() {
        return routeId;
    }

    /** A request of this route began; exactly one {@link ProxyMetrics#requestCompleted} follows. */
    public void started() {
        active.inc();
    }

    void completed(int status, long nanos, long bytesIn, long bytesOut) {
        active.dec();
        duration.observe(nanos / 1e9);
        if (bytesIn > 0) {
            requestBodyBytes.inc(bytesIn);
        }
        if (bytesOut > 0) {
            responseBodyBytes.inc(bytesOut);
        }
        requests.increment();
        if (status >= 500) {
            serverErrors.increment();
        }
        latencyNanos.add(nanos);
        long previous;
        long next;
        do {
            previous = recentNanos.get();
            next = previous == 0 ? nanos : previous + ((nanos - previous) >> RECENT_WEIGHT_SHIFT);
        } while (!recentNanos.compareAndSet(previous, next));
    }

    Answered lastAnswered() {
        return lastAnswered;
    }

    void lastAnswered(Answered series) {
        lastAnswered = series;
    }

    public long activeRequests() {
        return (long) active.get();
    }

    public long requests() {
        return requests.sum();
    }

    /** Requests answered with a 5xx status, Sentinel's own 502/504 included. */
    public long serverErrors() {
        return serverErrors.sum();
    }

    /** Mean latency since start, 0 before the first request. */
    public double meanLatencyNanos() {
        long count = requests.sum();
        return count == 0 ? 0 : (double) latencyNanos.sum() / count;
    }

    /** An exponentially weighted mean in which the newest request weighs 1/16, 0 before the first request. */
    public long recentLatencyNanos() {
        return recentNanos.get();
    }
}
