package dev.sentinel.server.jmx;

/**
 * {@code sentinel:type=Target,upstream=<id>,name="<host:port>"}: one target's health, with the operator's
 * switch. {@link #disable()} takes it out of balancing until {@link #enable()}, across reloads (requests in
 * flight finish); it acts at once, on the calling JMX thread.
 */
public interface TargetMXBean {
    /** Takes traffic now. */
    boolean isAvailable();

    /** The active health check's verdict ({@code true} when there is no check). */
    boolean isHealthy();

    boolean isEjected();

    boolean isDisabled();

    /** {@code closed}, {@code open}, {@code half_open}, or {@code none} without a breaker. */
    String getBreakerState();

    int getInFlight();

    long getRequests();

    long getFailures();

    /** Moving average of latencies, or -1 before the first exchange. */
    double getAverageLatencyMillis();

    String getLastCheckFailure();

    void disable();

    void enable();
}
