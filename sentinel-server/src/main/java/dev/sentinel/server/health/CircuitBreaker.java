package dev.sentinel.server.health;

import dev.sentinel.server.config.CircuitBreakerConfig;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Closed → open after {@code failure-threshold} failures in a row; open → half-open once
 * {@code timeout-seconds} passed; half-open lets {@code half-open-max-requests} probes through at once,
 * closes after {@code success-threshold} successes and opens again on one failure.
 *
 * <p>Each admitted request gets a ticket, the breaker's epoch when it was admitted; a result whose ticket
 * is from an earlier epoch (the request started before the last transition) is ignored, so a slow request
 * admitted while closed cannot count as a half-open probe. Thread-safe; the lock guards counters only, and
 * transitions are reported to the listener after it is released.
 */
public final class CircuitBreaker {
    /** Returned by {@link #tryAcquire} when the request must fail fast. */
    public static final long DENIED = -1;

    /** Breaker states, with the number the metrics export. */
    public enum State {
        CLOSED(0), OPEN(1), HALF_OPEN(2);

        private final int gauge;

        State(int gauge) {
            this.gauge = gauge;
        }

        public int gauge() {
            return gauge;
        }

        public String jsonName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Consumer<State> onTransition;
    private volatile CircuitBreakerConfig config;
    private volatile State state = State.CLOSED;
    private long epoch;
    private int failures;
    private int successes;
    private int probesInFlight;
    private long openUntilNanos;

    /** @param onTransition told each new state once, outside the lock */
    public CircuitBreaker(CircuitBreakerConfig config, Consumer<State> onTransition) {
        this.config = config;
        this.onTransition = onTransition;
    }

    /** A reload may change the thresholds; the state stays. */
    public void configure(CircuitBreakerConfig next) {
        config = next;
    }

    /**
     * Closed with nothing counted, outdating every ticket handed out; not reported as a transition. For a
     * reload that removes or adds the breaker: while there is none, results are not recorded and tickets
     * not released, so the state it had would never move again (a half-open breaker whose probe slots are
     * all taken would refuse every request).
     */
    public void reset() {
        lock.lock();
        try {
            enter(State.CLOSED, 0);
        } finally {
            lock.unlock();
        }
    }

    public State state() {
        return state;
    }

    /** Admits a request (returns its ticket) or refuses it ({@link #DENIED}). */
    public long tryAcquire(long nowNanos) {
        State changed = null;
        long ticket;
        lock.lock();
        try {
            if (state == State.OPEN && nowNanos - openUntilNanos >= 0) {
                changed = enter(State.HALF_OPEN, nowNanos);
            }
            if (state == State.CLOSED) {
                ticket = epoch;
            } else if (state == State.HALF_OPEN && probesInFlight < config.halfOpenMaxRequests()) {
                probesInFlight++;
                ticket = epoch;
            } else {
                ticket = DENIED;
            }
        } finally {
            lock.unlock();
        }
        report(changed);
        return ticket;
    }

    /** Whether a request would be admitted now, without admitting it (for the list of selectable targets). */
    public boolean admits(long nowNanos) {
        lock.lock();
        try {
            return switch (state) {
                case CLOSED -> true;
                case OPEN -> nowNanos - openUntilNanos >= 0;
                case HALF_OPEN -> probesInFlight < config.halfOpenMaxRequests();
            };
        } finally {
            lock.unlock();
        }
    }

    /** When an open breaker turns half-open, or {@link Long#MAX_VALUE} when nothing is timed. */
    public long nextChangeNanos() {
        lock.lock();
        try {
            return state == State.OPEN ? openUntilNanos : Long.MAX_VALUE;
        } finally {
            lock.unlock();
        }
    }

    /** The result of a request admitted with {@code ticket}. */
    public void record(long ticket, boolean success, long nowNanos) {
        if (ticket == DENIED) {
            return;
        }
        State changed = null;
        lock.lock();
        try {
            if (ticket != epoch) {
                return;
            }
            if (state == State.HALF_OPEN) {
                probesInFlight = Math.max(0, probesInFlight - 1);
                if (!success) {
                    changed = enter(State.OPEN, nowNanos);
                } else if (++successes >= config.successThreshold()) {
                    changed = enter(State.CLOSED, nowNanos);
                }
            } else if (state == State.CLOSED) {
                if (success) {
                    failures = 0;
                } else if (++failures >= config.failureThreshold()) {
                    changed = enter(State.OPEN, nowNanos);
                }
            }
        } finally {
            lock.unlock();
        }
        report(changed);
    }

    /** A request admitted with {@code ticket} ended without saying anything about the upstream. */
    public void release(long ticket) {
        lock.lock();
        try {
            if (ticket == epoch && state == State.HALF_OPEN) {
                probesInFlight = Math.max(0, probesInFlight - 1);
            }
        } finally {
            lock.unlock();
        }
    }

    private State enter(State next, long nowNanos) {
        state = next;
        epoch++;
        failures = 0;
        successes = 0;
        probesInFlight = 0;
        if (next == State.OPEN) {
            openUntilNanos = nowNanos + config.timeout().toNanos();
        }
        return next;
    }

    private void report(State changed) {
        if (changed != null) {
            onTransition.accept(changed);
        }
    }
}
