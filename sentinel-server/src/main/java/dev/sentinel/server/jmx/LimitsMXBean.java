package dev.sentinel.server.jmx;

import java.util.Map;

/**
 * {@code sentinel:type=Limits}: what the limits and protocol checks refused since start, by reason
 * (the same counts as {@code sentinel_requests_refused_total} and {@code sentinel_connections_refused_total}),
 * and what each filter answered itself ({@code sentinel_filter_decisions_total}).
 */
public interface LimitsMXBean {
    Map<String, Long> getRequestRefusals();

    Map<String, Long> getConnectionRefusals();

    /** By {@code filter/decision}: {@code login-limit/deny} counts a rate limit's 429s. */
    Map<String, Long> getFilterDecisions();
}
