package dev.sentinel.server.config;

import java.time.Duration;

/**
 * Passive health ({@code outlier-detection { }}, a Sentinel extension; on by default): a target whose
 * requests fail {@code consecutiveFailures} times in a row (connect failure, timeout, reset, or a 5xx) is
 * ejected from balancing for {@code baseEjection} times the number of times it was ejected so far, at most
 * {@code maxEjection}. The last target still taking traffic is never ejected unless {@code ejectLastTarget}.
 */
public record OutlierDetectionConfig(int consecutiveFailures, Duration baseEjection, Duration maxEjection,
                                     boolean ejectLastTarget) {
    public static final int DEFAULT_CONSECUTIVE_FAILURES = 5;
    public static final Duration DEFAULT_BASE_EJECTION = Duration.ofSeconds(30);
    public static final Duration DEFAULT_MAX_EJECTION = Duration.ofSeconds(300);

    public static OutlierDetectionConfig defaults() {
        return new OutlierDetectionConfig(DEFAULT_CONSECUTIVE_FAILURES, DEFAULT_BASE_EJECTION, DEFAULT_MAX_EJECTION,
                false);
    }
}
