package dev.sentinel.server.observability;

import dev.sentinel.spi.Outcome;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import java.util.Locale;

/**
 * One upstream's series, resolved once per upstream id: attempts, failures by reason, connections
 * opened and how long they took to connect, and how long request bodies waited on the upstream.
 * Shared by every configuration generation that names the upstream, so counters survive reloads.
 */
public final class UpstreamMetrics {
    private final String upstreamId;
    private final CounterDataPoint attempts;
    private final Counter failures;
    private final CounterDataPoint connectionsOpened;
    private final DistributionDataPoint connectDuration;
    private final DistributionDataPoint writePending;

    UpstreamMetrics(String upstreamId, CounterDataPoint attempts, Counter failures, CounterDataPoint connectionsOpened,
                    DistributionDataPoint connectDuration, DistributionDataPoint writePending) {
        this.upstreamId = upstreamId;
        this.attempts = attempts;
        this.failures = failures;
        this.connectionsOpened = connectionsOpened;
        this.connectDuration = connectDuration;
        this.writePending = writePending;
    }

    /** A request was sent (or is about to be sent) to one of the upstream's targets. */
    public void attempted() {
        attempts.inc();
    }

    /**
     * How an attempt ended; counted as a failure with {@code reason} = the kind in snake case
     * ({@code connect_failure}, {@code timeout}, {@code server_error}, {@code failure}) when the upstream is
     * to blame. Failures are rare, so the label lookup is done here rather than ahead.
     */
    public void ended(Outcome outcome) {
        if (outcome != null && outcome.upstreamFailed()) {
            failures.labelValues(upstreamId, outcome.kind().name().toLowerCase(Locale.ROOT)).inc();
        }
    }

    /** A new TCP connection to a target was established after {@code nanos}. */
    public void connected(long nanos) {
        // Timed first: a scrape never sees a connection counted that is missing from the histogram.
        connectDuration.observe(nanos / 1e9);
        connectionsOpened.inc();
    }

    /** The total time a request body's chunks waited to be written to the upstream connection. */
    public void bodyWritePending(long nanos) {
        writePending.observe(nanos / 1e9);
    }
}
