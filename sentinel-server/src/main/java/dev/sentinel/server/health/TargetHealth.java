package dev.sentinel.server.health;

import dev.sentinel.server.config.CircuitBreakerConfig;
import dev.sentinel.server.config.HealthCheckConfig;
import dev.sentinel.server.config.OutlierDetectionConfig;
import dev.sentinel.spi.Outcome;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Sentinel knows about one target of one upstream: the active health check's verdict, passive
 * ejection, the target's circuit breaker, the operator's disable switch, requests in flight and latency.
 * Outlives reloads: a target that stays in the configuration keeps its state.
 *
 * <p>A target takes traffic ({@link #available}) when it is enabled, not marked unhealthy by the active
 * check, not ejected, and its breaker admits requests. Each change is logged once and reported to the
 * {@link HealthListener}, after the lock is released.
 */
public final class TargetHealth {
    private static final Logger LOG = LoggerFactory.getLogger(TargetHealth.class);
    /** Weight of the newest sample in the latency average. */
    private static final double EWMA_WEIGHT = 0.2;

    private final UpstreamHealth upstream;
    private final String address;
    private final HealthListener listener;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicBoolean checking = new AtomicBoolean();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder requests = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final CircuitBreaker breaker;
    private volatile boolean breakerConfigured;
    private volatile boolean disabled;
    private volatile boolean activeHealthy = true;
    private volatile long ejectedUntilNanos;
    private volatile boolean ejected;
    private volatile long lastLatencyNanos = -1;
    private volatile double averageLatencyMillis = -1;
    private volatile String lastCheckFailure;
    private int checkSuccesses;
    private int checkFailures;
    /** Written under the lock; volatile so that a success with nothing to reset can skip it. */
    private volatile int consecutiveFailures;
    private volatile int ejections;

    TargetHealth(UpstreamHealth upstream, String address, HealthListener listener) {
        this.upstream = upstream;
        this.address = address;
        this.listener = listener;
        this.breaker = new CircuitBreaker(new CircuitBreakerConfig(1, 1, java.time.Duration.ofSeconds(1), 1),
                state -> changed(HealthListener.Change.of(state)));
    }

    public String upstreamId() {
        return upstream.id();
    }

    public String address() {
        return address;
    }

    void configure(CircuitBreakerConfig breakerConfig, boolean activeChecks) {
        // Added or removed by a reload: start afresh, or a ticket taken before would never be returned.
        if (breakerConfigured != (breakerConfig != null)) {
            breaker.reset();
        }
        if (breakerConfig != null) {
            breaker.configure(breakerConfig);
        }
        breakerConfigured = breakerConfig != null;
        if (!activeChecks && !activeHealthy) {
            // The check that marked it unhealthy is gone from the configuration: nothing would bring it back.
            activeHealthy = true;
            changed(HealthListener.Change.HEALTHY);
        }
    }

    /** Takes traffic now; also performs a time-driven change that is due (end of an ejection). */
    public boolean available(long nowNanos) {
        if (ejected && nowNanos - ejectedUntilNanos >= 0) {
            restore();
        }
        return !disabled && activeHealthy && !ejected && (!breakerConfigured || breaker.admits(nowNanos));
    }

    /** When {@link #available} may change by itself, or {@link Long#MAX_VALUE}. */
    long nextChangeNanos() {
        long next = ejected ? ejectedUntilNanos : Long.MAX_VALUE;
        return breakerConfigured ? Math.min(next, breaker.nextChangeNanos()) : next;
    }

    /**
     * A request is about to go to this target; returns its breaker ticket, or {@link CircuitBreaker#DENIED}
     * when the breaker refuses it (the caller then picks another target).
     */
    public long start(long nowNanos) {
        long ticket = breakerConfigured ? breaker.tryAcquire(nowNanos) : 0;
        if (ticket != CircuitBreaker.DENIED) {
            inFlight.incrementAndGet();
        }
        return ticket;
    }

    /** The request started with {@code ticket} ended this way. */
    public void end(long ticket, Outcome.Kind kind, long latencyNanos, long nowNanos) {
        inFlight.decrementAndGet();
        if (kind == Outcome.Kind.CANCELLED) {
            if (breakerConfigured) {
                breaker.release(ticket);
            }
            return;
        }
        requests.increment();
        lastLatencyNanos = latencyNanos;
        double millis = latencyNanos / 1e6;
        double average = averageLatencyMillis;
        averageLatencyMillis = average < 0 ? millis : average + EWMA_WEIGHT * (millis - average);
        boolean success = kind == Outcome.Kind.SUCCESS;
        if (!success) {
            failures.increment();
        }
        if (breakerConfigured) {
            breaker.record(ticket, success, nowNanos);
        }
        passive(success, nowNanos);
    }

    private void passive(boolean success, long nowNanos) {
        if (success && consecutiveFailures == 0 && ejections == 0) {
            return; // the common case, once per request: nothing to reset, so no lock to take
        }
        OutlierDetectionConfig outliers = upstream.outlierDetection();
        boolean eject = false;
        lock.lock();
        try {
            if (success) {
                consecutiveFailures = 0;
                ejections = 0;
            } else if (++consecutiveFailures >= outliers.consecutiveFailures() && !ejected
                    && (outliers.ejectLastTarget() || upstream.othersAvailable(this, nowNanos))) {
                consecutiveFailures = 0;
                ejections++;
                long backoff = Math.min(outliers.baseEjection().toNanos() * ejections,
                        outliers.maxEjection().toNanos());
                ejectedUntilNanos = nowNanos + backoff;
                ejected = true;
                eject = true;
            }
        } finally {
            lock.unlock();
        }
        if (eject) {
            changed(HealthListener.Change.EJECTED);
        }
    }

    private void restore() {
        boolean restored = false;
        lock.lock();
        try {
            if (ejected) {
                ejected = false;
                restored = true;
            }
        } finally {
            lock.unlock();
        }
        if (restored) {
            changed(HealthListener.Change.RESTORED);
        }
    }

    /** Claims the one active check allowed in flight for this target; false when one is running. */
    boolean beginCheck() {
        return checking.compareAndSet(false, true);
    }

    /** Releases the claim without a verdict (the checker is stopping). */
    void abandonCheck() {
        checking.set(false);
    }

    /** Records an active check's result and releases the claim; {@code failure} is null on success. */
    void endCheck(HealthCheckConfig config, String failure) {
        HealthListener.Change change = null;
        boolean uneject = false;
        lock.lock();
        try {
            lastCheckFailure = failure;
            if (failure == null) {
                checkFailures = 0;
                if (!activeHealthy && ++checkSuccesses >= config.healthyThreshold()) {
                    activeHealthy = true;
                    change = HealthListener.Change.HEALTHY;
                }
                uneject = activeHealthy && ejected;
            } else {
                checkSuccesses = 0;
                if (activeHealthy && ++checkFailures >= config.unhealthyThreshold()) {
                    activeHealthy = false;
                    checkFailures = 0;
                    change = HealthListener.Change.UNHEALTHY;
                }
            }
        } finally {
            lock.unlock();
            checking.set(false);
        }
        if (change != null) {
            changed(change);
        }
        if (uneject) {
            // A passing active check ends a passive ejection, as in Envoy: the check proved it answers.
            restore();
        }
    }

    public void disable() {
        if (!disabled) {
            disabled = true;
            changed(HealthListener.Change.DISABLED);
        }
    }

    public void enable() {
        if (disabled) {
            disabled = false;
            changed(HealthListener.Change.ENABLED);
        }
    }

    public boolean disabled() {
        return disabled;
    }

    public boolean activeHealthy() {
        return activeHealthy;
    }

    public boolean ejected() {
        return ejected;
    }

    /** Nanoseconds left in the ejection, or 0. */
    public long ejectionRemainingNanos(long nowNanos) {
        return ejected ? Math.max(0, ejectedUntilNanos - nowNanos) : 0;
    }

    /** Whether the upstream has a {@code circuit-breaker} (one per target). */
    public boolean breakerConfigured() {
        return breakerConfigured;
    }

    /** The breaker's state; {@code closed} when the upstream has no breaker. */
    public CircuitBreaker.State breakerState() {
        return breakerConfigured ? breaker.state() : CircuitBreaker.State.CLOSED;
    }

    public int inFlight() {
        return inFlight.get();
    }

    public long requests() {
        return requests.sum();
    }

    public long failures() {
        return failures.sum();
    }

    /** The last exchange's latency in milliseconds, or -1 before the first. */
    public double lastLatencyMillis() {
        long last = lastLatencyNanos;
        return last < 0 ? -1 : last / 1e6;
    }

    /** Moving average of latencies in milliseconds, or -1 before the first exchange. */
    public double averageLatencyMillis() {
        return averageLatencyMillis;
    }

    /** Why the last active check failed, or {@code null}. */
    public String lastCheckFailure() {
        return lastCheckFailure;
    }

    private void changed(HealthListener.Change change) {
        upstream.changed();
        LOG.info("upstream '{}' target {}: {}", upstream.id(), address, change.label());
        try {
            listener.targetChanged(this, change);
        } catch (RuntimeException e) {
            LOG.warn("health listener failed", e);
        }
    }
}
