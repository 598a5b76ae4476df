package dev.sentinel.server.config;

import java.time.Duration;
import java.util.Set;

/**
 * A route's {@code retry-policy { }}. A failed attempt is retried on another target when the request has
 * no body and an idempotent method, nothing reached the client yet, the route's {@code timeout-secs}
 * leaves time, and the retry budget allows it. An attempt fails when no response began (connect failure,
 * reset, timeout) or the response status is one of {@code retryableStatusCodes}.
 *
 * @param maxAttempts        attempts in all, the first included; 1 = no retries
 * @param backoffBase        wait before retry n is {@code backoffBase * 2^(n-1)}, with jitter, at most
 *                           {@code backoffMax}
 * @param attemptTimeout     bounds each attempt, or {@code null} for the upstream's own timeouts
 * @param budgetPercent      retries may be at most this share of the route's requests over
 *                           {@link #BUDGET_WINDOW}...
 * @param minRetriesPerSecond ...or this many per second, whichever is more, so a quiet route can retry
 */
public record RetryPolicyConfig(int maxAttempts, Duration backoffBase, Duration backoffMax,
                                Set<Integer> retryableStatusCodes,
                                Duration attemptTimeout, int budgetPercent, int minRetriesPerSecond) {
    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    public static final Duration DEFAULT_BACKOFF_BASE = Duration.ofMillis(25);
    public static final Set<Integer> DEFAULT_RETRYABLE_STATUS_CODES = Set.of(502, 503, 504);
    public static final int DEFAULT_BUDGET_PERCENT = 20;
    public static final int DEFAULT_MIN_RETRIES_PER_SECOND = 3;
    public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofSeconds(1);
    public static final Duration BUDGET_WINDOW = Duration.ofSeconds(10);

    public RetryPolicyConfig {
        retryableStatusCodes = Set.copyOf(retryableStatusCodes);
    }
}
