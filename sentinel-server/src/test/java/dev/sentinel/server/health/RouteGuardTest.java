package dev.sentinel.server.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.sentinel.server.config.CircuitBreakerConfig;
import dev.sentinel.server.config.RouteResilienceConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A route's breaker across reloads. */
class RouteGuardTest {
    private static final long SECOND = 1_000_000_000L;
    private static final RouteResilienceConfig BREAKER = new RouteResilienceConfig(null,
            new CircuitBreakerConfig(1, 1, Duration.ofSeconds(5), 1));

    @Test
    void aBreakerRemovedAndAddedAgainByReloadsDoesNotWaitForAProbeTakenBefore() {
        RouteGuard guard = new RouteGuard("api", HealthListener.NONE);
        guard.configure(BREAKER);
        guard.record(guard.admit(0), false, 0);
        long probe = guard.admit(5 * SECOND);
        assertEquals(CircuitBreaker.State.HALF_OPEN, guard.breakerState());
        guard.configure(RouteResilienceConfig.NONE);
        guard.release(probe);
        guard.configure(BREAKER);
        assertEquals(CircuitBreaker.State.CLOSED, guard.breakerState());
        assertNotEquals(CircuitBreaker.DENIED, guard.admit(6 * SECOND));
    }
}
