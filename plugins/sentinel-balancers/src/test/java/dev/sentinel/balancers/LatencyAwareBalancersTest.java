package dev.sentinel.balancers;

import static dev.sentinel.balancers.Fixtures.exchange;
import static dev.sentinel.balancers.Fixtures.outcome;
import static dev.sentinel.balancers.Fixtures.targets;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.spi.LoadBalancer;
import dev.sentinel.spi.Outcome;
import dev.sentinel.spi.Target;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Ewma, peak_ewma and adaptive, on a clock the test moves. */
class LatencyAwareBalancersTest {
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);

    @Test
    void ewmaFollowsSamplesAndAPeakReplacesTheAverageAtOnce() {
        Ewma average = new Ewma(Duration.ofSeconds(10).toNanos(), 0.1, false, clock.get());
        average.add(100, clock.get());
        assertEquals(100, average.value(clock.get()), 1e-9);
        clock.addAndGet(Duration.ofSeconds(10).toNanos());
        average.add(0, clock.get());
        assertEquals(100 * Math.exp(-1), average.value(clock.get()), 1e-6, "one tau later, the old weighs 1/e");

        Ewma peak = new Ewma(Duration.ofSeconds(10).toNanos(), 0, true, clock.get());
        peak.add(10, clock.get());
        peak.add(500, clock.get());
        assertEquals(500, peak.value(clock.get()), 1e-9);
        clock.addAndGet(Duration.ofSeconds(10).toNanos());
        assertEquals(500 * Math.exp(-1), peak.value(clock.get()), 1e-6, "unobserved, a peak fades");
    }

    @Test
    void ewmaMovesAtLeastItsMinimumWeightPerSample() {
        Ewma average = new Ewma(Duration.ofSeconds(10).toNanos(), 0.1, false, clock.get());
        average.add(0, clock.get());
        for (int i = 0; i < 30; i++) {
            average.add(1, clock.get());
        }
        assertTrue(average.value(clock.get()) > 0.9, "a burst moves it, however close together");
    }

    @Test
    void peakEwmaAvoidsTheSlowTargetAndTriesNewOnes() {
        List<Target> two = targets(2);
        PeakEwma balancer = new PeakEwma(Duration.ofSeconds(10), Duration.ofSeconds(1), clock::get);
        Target slow = two.get(0);
        Target fast = two.get(1);
        complete(balancer, slow, Outcome.Kind.SUCCESS, Duration.ofMillis(200));
        assertEquals(fast, balancer.select(two, exchange()), "a target without samples costs nothing");
        complete(balancer, fast, Outcome.Kind.SUCCESS, Duration.ofMillis(5));
        for (int i = 0; i < 50; i++) {
            assertEquals(fast, balancer.select(two, exchange()));
        }
    }

    @Test
    void peakEwmaWeighsLatencyByLoad() {
        List<Target> two = targets(2);
        PeakEwma balancer = new PeakEwma(Duration.ofSeconds(10), Duration.ofSeconds(1), clock::get);
        complete(balancer, two.get(0), Outcome.Kind.SUCCESS, Duration.ofMillis(10));
        complete(balancer, two.get(1), Outcome.Kind.SUCCESS, Duration.ofMillis(30));
        for (int i = 0; i < 3; i++) {
            balancer.onStart(two.get(0));
        }
        // 10 ms × (3 + 1) in flight costs more than 30 ms × 1.
        assertEquals(two.get(1), balancer.select(two, exchange()));
    }

    @Test
    void peakEwmaCountsAFastFailureAsSlow() {
        List<Target> two = targets(2);
        PeakEwma balancer = new PeakEwma(Duration.ofSeconds(10), Duration.ofSeconds(1), clock::get);
        complete(balancer, two.get(0), Outcome.Kind.CONNECT_FAILURE, Duration.ofMillis(1));
        complete(balancer, two.get(1), Outcome.Kind.SUCCESS, Duration.ofMillis(50));
        assertEquals(two.get(1), balancer.select(two, exchange()));
        assertTrue(balancer.cost(two.get(0), clock.get()) >= Duration.ofSeconds(1).toNanos());
    }

    @Test
    void adaptiveStarvesAFailingTargetDownToItsFloorAndLetsItRecover() {
        List<Target> two = targets(2);
        Adaptive balancer = new Adaptive(Duration.ofSeconds(10), 5, clock::get);
        Target failing = two.get(0);
        Target healthy = two.get(1);
        for (int i = 0; i < 50; i++) {
            clock.addAndGet(1_000_000);
            complete(balancer, failing, Outcome.Kind.SERVER_ERROR, Duration.ofMillis(5));
            complete(balancer, healthy, Outcome.Kind.SUCCESS, Duration.ofMillis(5));
        }
        double share = share(balancer, two, failing);
        assertTrue(share > 0.02 && share < 0.10, "failing share " + share);
        for (int i = 0; i < 50; i++) {
            clock.addAndGet(1_000_000);
            complete(balancer, failing, Outcome.Kind.SUCCESS, Duration.ofMillis(5));
        }
        assertTrue(share(balancer, two, failing) > 0.4, "recovered");
    }

    @Test
    void adaptiveSendsLessToASlowerTargetAndIgnoresCancellations() {
        List<Target> two = targets(2);
        Adaptive balancer = new Adaptive(Duration.ofSeconds(10), 5, clock::get);
        for (int i = 0; i < 20; i++) {
            complete(balancer, two.get(0), Outcome.Kind.SUCCESS, Duration.ofMillis(40));
            complete(balancer, two.get(1), Outcome.Kind.SUCCESS, Duration.ofMillis(10));
            complete(balancer, two.get(1), Outcome.Kind.CANCELLED, Duration.ofSeconds(5));
        }
        double slowShare = share(balancer, two, two.get(0));
        assertTrue(slowShare > 0.1 && slowShare < 0.3, "four times slower: about a fifth, got " + slowShare);
    }

    private double share(Adaptive balancer, List<Target> targets, Target target) {
        int hits = 0;
        for (int i = 0; i < 20_000; i++) {
            if (balancer.select(targets, exchange()).equals(target)) {
                hits++;
            }
        }
        return hits / 20_000.0;
    }

    private static void complete(LoadBalancer balancer, Target target, Outcome.Kind kind,
                                 Duration latency) {
        balancer.onStart(target);
        balancer.onComplete(target, outcome(kind, kind == Outcome.Kind.SUCCESS ? 200 : 503, latency));
    }
}
