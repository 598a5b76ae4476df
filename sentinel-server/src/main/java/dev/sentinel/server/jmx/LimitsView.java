package dev.sentinel.server.jmx;

import dev.sentinel.server.observability.ProxyMetrics;
import java.util.Map;

/** The {@link LimitsMXBean}, read from the refusal counters. */
public final class LimitsView implements LimitsMXBean {
    private final ProxyMetrics metrics;

    public LimitsView(ProxyMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public Map<String, Long> getRequestRefusals() {
        return metrics.requestRefusals();
    }

    @Override
    public Map<String, Long> getConnectionRefusals() {
        return metrics.connectionRefusals();
    }

    @Override
    public Map<String, Long> getFilterDecisions() {
        return metrics.filterDecisions();
    }
}
