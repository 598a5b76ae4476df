package dev.sentinel.server.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.server.config.CircuitBreakerConfig;
import dev.sentinel.server.config.HealthCheckConfig;
import dev.sentinel.server.config.OutlierDetectionConfig;
import dev.sentinel.server.config.SentinelConfig;
import dev.sentinel.server.config.UpstreamConfig;
import dev.sentinel.spi.Outcome;
import dev.sentinel.spi.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Active health, passive ejection, breakers and the operator switch, as the balancer's list shows them. */
class TargetHealthTest {
    private static final long SECOND = 1_000_000_000L;
    private static final Target A = new Target("127.0.0.1", 8081, 1);
    private static final Target B = new Target("127.0.0.1", 8082, 1);
    private static final HealthCheckConfig CHECK = new HealthCheckConfig(HealthCheckConfig.Type.TCP, null, 0, null,
            null, Duration.ofSeconds(1), Duration.ofSeconds(1), 2, 3);

    private final List<String> changes = new ArrayList<>();
    private final HealthRegistry registry = new HealthRegistry(new HealthListener() {
        @Override
        public void targetChanged(TargetHealth target, Change change) {
            changes.add(target.address() + " " + change.label());
        }
    });

    @Test
    void unhealthyAfterTheThresholdAndBackAfterTheHealthyThreshold() {
        Availability view = inForce(upstream(CHECK, null, OutlierDetectionConfig.defaults(), A, B));
        TargetHealth a = view.health(A);
        check(a, "refused", 2);
        assertEquals(List.of(A, B), view.selectable(0), "2 failures, threshold 3");
        check(a, "refused", 1);
        assertEquals(List.of(B), view.selectable(0));
        check(a, null, 1);
        assertEquals(List.of(B), view.selectable(0), "1 success, threshold 2");
        check(a, null, 1);
        assertEquals(List.of(A, B), view.selectable(0));
        assertEquals(List.of("127.0.0.1:8081 unhealthy", "127.0.0.1:8081 healthy"), changes);
    }

    @Test
    void consecutiveFailuresEjectForABackOffThatGrows() {
        OutlierDetectionConfig outliers = new OutlierDetectionConfig(2, Duration.ofSeconds(10), Duration.ofSeconds(15),
                false);
        Availability view = inForce(upstream(null, null, outliers, A, B));
        TargetHealth a = view.health(A);
        fail(a, 2, 0);
        assertEquals(List.of(B), view.selectable(0));
        assertEquals(List.of(B), view.selectable(9 * SECOND));
        assertEquals(List.of(A, B), view.selectable(10 * SECOND), "back after base-ejection-secs");
        fail(a, 2, 10 * SECOND);
        assertEquals(List.of(B), view.selectable(24 * SECOND), "second ejection: 2 x 10 s, capped at 15 s");
        assertEquals(List.of(A, B), view.selectable(25 * SECOND));
        assertEquals(List.of("127.0.0.1:8081 ejected", "127.0.0.1:8081 restored", "127.0.0.1:8081 ejected",
                "127.0.0.1:8081 restored"), changes);
    }

    @Test
    void theLastTargetTakingTrafficIsNeverEjected() {
        OutlierDetectionConfig outliers = new OutlierDetectionConfig(1, Duration.ofSeconds(10), Duration.ofSeconds(10),
                false);
        Availability view = inForce(upstream(null, null, outliers, A, B));
        fail(view.health(A), 1, 0);
        fail(view.health(B), 5, 0);
        assertEquals(List.of(B), view.selectable(0));
        view.health(B).disable();
        assertEquals(List.of(), view.selectable(0), "an operator may take out the last one");
    }

    @Test
    void openBreakersEmptyTheListAndTheListInstanceIsKeptWhileNothingChanges() {
        CircuitBreakerConfig breaker = new CircuitBreakerConfig(1, 1, Duration.ofSeconds(5), 1);
        OutlierDetectionConfig noEjection = new OutlierDetectionConfig(1000, Duration.ofSeconds(1),
                Duration.ofSeconds(1), false);
        Availability view = inForce(upstream(null, breaker, noEjection, A, B));
        List<Target> first = view.selectable(0);
        assertSame(first, view.selectable(0));
        fail(view.health(A), 1, 0);
        fail(view.health(B), 1, 0);
        assertEquals(List.of(), view.selectable(0));
        assertEquals(List.of(A, B), view.selectable(5 * SECOND), "half-open: probes may go");
    }

    @Test
    void stateCarriesOverAReloadThatKeepsTheTargetAndIsDroppedWithIt() {
        Availability before = inForce(upstream(CHECK, null, OutlierDetectionConfig.defaults(), A, B));
        before.health(A).disable();
        Availability after = inForce(upstream(CHECK, null, OutlierDetectionConfig.defaults(), A));
        assertTrue(after.health(A).disabled());
        assertSame(before.health(A), after.health(A));
        registry.retainOnly(config(upstream(CHECK, null, OutlierDetectionConfig.defaults(), A)));
        assertEquals(1, registry.upstream("u").targets().size());
    }

    @Test
    void droppingTheHealthCheckBringsAnUnhealthyTargetBack() {
        Availability view = inForce(upstream(CHECK, null, OutlierDetectionConfig.defaults(), A, B));
        check(view.health(A), "refused", 3);
        assertFalse(view.health(A).available(0));
        Availability reloaded = inForce(upstream(null, null, OutlierDetectionConfig.defaults(), A, B));
        assertTrue(reloaded.health(A).available(0));
    }

    @Test
    void aBreakerRemovedAndAddedAgainByReloadsDoesNotWaitForAProbeTakenBefore() {
        CircuitBreakerConfig breaker = new CircuitBreakerConfig(1, 1, Duration.ofSeconds(5), 1);
        OutlierDetectionConfig noEjection = new OutlierDetectionConfig(1000, Duration.ofSeconds(1),
                Duration.ofSeconds(1), false);
        TargetHealth a = inForce(upstream(null, breaker, noEjection, A)).health(A);
        fail(a, 1, 0);
        long probe = a.start(5 * SECOND);
        assertEquals(CircuitBreaker.State.HALF_OPEN, a.breakerState());
        inForce(upstream(null, null, noEjection, A));
        a.end(probe, Outcome.Kind.SUCCESS, 1_000_000, 6 * SECOND);
        inForce(upstream(null, breaker, noEjection, A));
        assertEquals(CircuitBreaker.State.CLOSED, a.breakerState());
        assertTrue(a.available(6 * SECOND));
        assertNotEquals(CircuitBreaker.DENIED, a.start(6 * SECOND));
    }

    @Test
    void aReloadThatFailsBeforeItsConfigurationComesIntoForceChangesNoSetting() {
        CircuitBreakerConfig breaker = new CircuitBreakerConfig(1, 1, Duration.ofSeconds(5), 1);
        OutlierDetectionConfig noEjection = new OutlierDetectionConfig(1000, Duration.ofSeconds(1),
                Duration.ofSeconds(1), false);
        Availability view = inForce(upstream(CHECK, breaker, noEjection, A, B));
        check(view.health(A), "refused", 3);
        // A reload that builds its view, then fails (a filter factory throws, a client does not start).
        registry.availability(upstream(null, null, OutlierDetectionConfig.defaults(), A, B));
        registry.retainOnly(config(upstream(CHECK, breaker, noEjection, A, B)));
        assertFalse(view.health(A).available(0), "its check is still configured");
        fail(view.health(B), 1, 0);
        assertEquals(CircuitBreaker.State.OPEN, view.health(B).breakerState(), "its breaker is still configured");
    }

    /** The view a snapshot of a configuration with just {@code upstream} builds, then brings into force. */
    private Availability inForce(UpstreamConfig upstream) {
        Availability view = registry.availability(upstream);
        registry.configure(config(upstream));
        return view;
    }

    private static SentinelConfig config(UpstreamConfig upstream) {
        return new SentinelConfig(null, null, null, List.of(), List.of(), Map.of("u", upstream), Map.of(), Map.of(),
                null, null);
    }

    private static void check(TargetHealth target, String failure, int times) {
        for (int i = 0; i < times; i++) {
            assertTrue(target.beginCheck());
            target.endCheck(CHECK, failure);
        }
    }

    private static void fail(TargetHealth target, int times, long now) {
        for (int i = 0; i < times; i++) {
            target.end(target.start(now), Outcome.Kind.CONNECT_FAILURE, 1_000_000, now);
        }
    }

    private static UpstreamConfig upstream(HealthCheckConfig check, CircuitBreakerConfig breaker,
                                           OutlierDetectionConfig outliers, Target... targets) {
        return new UpstreamConfig("u", List.of(targets), "round_robin", null, UpstreamConfig.Timeouts.defaults(), null,
                check, breaker, outliers);
    }
}
