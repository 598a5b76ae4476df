package dev.sentinel.server.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.server.config.CircuitBreakerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The breaker's state machine, on a clock the test moves. */
class CircuitBreakerTest {
    private static final long SECOND = 1_000_000_000L;
    private final List<CircuitBreaker.State> transitions = new ArrayList<>();
    private final CircuitBreaker breaker = new CircuitBreaker(
            new CircuitBreakerConfig(3, 2, Duration.ofSeconds(10), 1), transitions::add);

    @Test
    void opensAtTheFailureThresholdNotBefore() {
        fail(2);
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state(), "2 failures, threshold 3");
        fail(1);
        assertEquals(CircuitBreaker.State.OPEN, breaker.state());
        assertEquals(CircuitBreaker.DENIED, breaker.tryAcquire(SECOND));
        assertFalse(breaker.admits(SECOND));
        assertEquals(List.of(CircuitBreaker.State.OPEN), transitions);
    }

    @Test
    void aSuccessResetsTheFailureCount() {
        fail(2);
        breaker.record(breaker.tryAcquire(0), true, 0);
        fail(2);
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state());
    }

    @Test
    void halfOpenAfterTheTimeoutAdmitsLimitedProbesThenClosesOnSuccesses() {
        fail(3);
        assertEquals(CircuitBreaker.DENIED, breaker.tryAcquire(9 * SECOND), "still open at 9 s");
        assertTrue(breaker.admits(10 * SECOND));
        long probe = breaker.tryAcquire(10 * SECOND);
        assertNotEquals(CircuitBreaker.DENIED, probe);
        assertEquals(CircuitBreaker.State.HALF_OPEN, breaker.state());
        assertEquals(CircuitBreaker.DENIED, breaker.tryAcquire(10 * SECOND), "half-open-max-requests 1");
        breaker.record(probe, true, 11 * SECOND);
        assertEquals(CircuitBreaker.State.HALF_OPEN, breaker.state(), "success-threshold 2");
        breaker.record(breaker.tryAcquire(11 * SECOND), true, 11 * SECOND);
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state());
        assertEquals(List.of(CircuitBreaker.State.OPEN, CircuitBreaker.State.HALF_OPEN, CircuitBreaker.State.CLOSED),
                transitions);
    }

    @Test
    void aFailedProbeOpensAgainForAnotherTimeout() {
        fail(3);
        long probe = breaker.tryAcquire(10 * SECOND);
        breaker.record(probe, false, 10 * SECOND);
        assertEquals(CircuitBreaker.State.OPEN, breaker.state());
        assertEquals(CircuitBreaker.DENIED, breaker.tryAcquire(19 * SECOND));
        assertNotEquals(CircuitBreaker.DENIED, breaker.tryAcquire(20 * SECOND));
    }

    @Test
    void resultsOfRequestsAdmittedBeforeATransitionAreIgnored() {
        long slow = breaker.tryAcquire(0);
        fail(3);
        long probe = breaker.tryAcquire(10 * SECOND);
        breaker.record(slow, true, 10 * SECOND);
        breaker.record(slow, true, 10 * SECOND);
        assertEquals(CircuitBreaker.State.HALF_OPEN, breaker.state(), "the slow request is no probe");
        breaker.release(probe);
        assertNotEquals(CircuitBreaker.DENIED, breaker.tryAcquire(10 * SECOND), "a released probe frees its slot");
    }

    @Test
    void aResetClosesItAndOutdatesEveryTicket() {
        fail(3);
        long probe = breaker.tryAcquire(10 * SECOND);
        breaker.reset();
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state());
        breaker.record(probe, false, 10 * SECOND);
        fail(2);
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state(), "the old probe's failure is not counted");
        assertEquals(List.of(CircuitBreaker.State.OPEN, CircuitBreaker.State.HALF_OPEN), transitions,
                "a reset is no transition");
    }

    private void fail(int times) {
        for (int i = 0; i < times; i++) {
            breaker.record(breaker.tryAcquire(0), false, 0);
        }
    }
}
