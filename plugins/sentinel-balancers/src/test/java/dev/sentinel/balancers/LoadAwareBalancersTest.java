package dev.sentinel.balancers;

import static dev.sentinel.balancers.Fixtures.exchange;
import static dev.sentinel.balancers.Fixtures.outcome;
import static dev.sentinel.balancers.Fixtures.targets;
import static dev.sentinel.balancers.Fixtures.weighted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.spi.LoadBalancer;
import dev.sentinel.spi.Outcome;
import dev.sentinel.spi.Target;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** least_connections, weighted_least_connections and p2c: load from onStart/onComplete. */
class LoadAwareBalancersTest {
    private static final Outcome OK = outcome(Outcome.Kind.SUCCESS, 200, Duration.ofMillis(1));

    @Test
    void leastConnectionsPrefersTheIdleTarget() {
        List<Target> three = targets(3);
        LoadBalancer balancer = new LeastConnections(false);
        start(balancer, three.get(0), 2);
        start(balancer, three.get(2), 1);
        for (int i = 0; i < 20; i++) {
            assertEquals(three.get(1), balancer.select(three, exchange()));
        }
    }

    @Test
    void leastConnectionsFollowsCompletions() {
        List<Target> two = targets(2);
        LoadBalancer balancer = new LeastConnections(false);
        start(balancer, two.get(0), 1);
        assertEquals(two.get(1), balancer.select(two, exchange()));
        balancer.onComplete(two.get(0), OK);
        start(balancer, two.get(1), 1);
        assertEquals(two.get(0), balancer.select(two, exchange()));
    }

    @Test
    void leastConnectionsSpreadsTiesAtRandom() {
        List<Target> four = targets(4);
        LoadBalancer balancer = new LeastConnections(false);
        Set<Target> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            seen.add(balancer.select(four, exchange()));
        }
        assertEquals(Set.copyOf(four), seen);
    }

    @Test
    void anEndWithoutAStartNeverDrivesACountBelowZero() {
        List<Target> two = targets(2);
        LoadBalancer balancer = new LeastConnections(false);
        balancer.onComplete(two.get(0), OK);
        balancer.onComplete(two.get(0), OK);
        start(balancer, two.get(0), 1);
        assertEquals(two.get(1), balancer.select(two, exchange()));
    }

    @Test
    void weightedLeastConnectionsDividesTheLoadByWeight() {
        List<Target> heavyAndLight = weighted(4, 1);
        LoadBalancer balancer = new LeastConnections(true);
        start(balancer, heavyAndLight.get(0), 3);
        // (3 + 1) / 4 = 1 against (0 + 1) / 1 = 1: a tie; one more on the heavy one tips it.
        start(balancer, heavyAndLight.get(0), 1);
        assertEquals(heavyAndLight.get(1), balancer.select(heavyAndLight, exchange()));
        start(balancer, heavyAndLight.get(1), 1);
        assertEquals(heavyAndLight.get(0), balancer.select(heavyAndLight, exchange()));
    }

    @Test
    void plainLeastConnectionsIgnoresWeights() {
        List<Target> heavyAndLight = weighted(10, 1);
        LoadBalancer balancer = new LeastConnections(false);
        start(balancer, heavyAndLight.get(0), 1);
        assertEquals(heavyAndLight.get(1), balancer.select(heavyAndLight, exchange()));
    }

    @Test
    void powerOfTwoChoicesWithTwoTargetsAlwaysTakesTheLessLoaded() {
        List<Target> two = targets(2);
        LoadBalancer balancer = new PowerOfTwoChoices();
        start(balancer, two.get(1), 5);
        for (int i = 0; i < 50; i++) {
            assertEquals(two.get(0), balancer.select(two, exchange()));
        }
    }

    @Test
    void powerOfTwoChoicesNeverPicksTheBusiestOfMany() {
        List<Target> five = targets(5);
        LoadBalancer balancer = new PowerOfTwoChoices();
        Target busiest = five.get(3);
        start(balancer, busiest, 10);
        for (int i = 0; i < 500; i++) {
            assertNotEquals(busiest, balancer.select(five, exchange()));
        }
    }

    @Test
    void powerOfTwoChoicesUsesEveryIdleTarget() {
        List<Target> five = targets(5);
        LoadBalancer balancer = new PowerOfTwoChoices();
        Set<Target> seen = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            seen.add(balancer.select(five, exchange()));
        }
        assertTrue(seen.containsAll(five), seen.toString());
    }

    private static void start(LoadBalancer balancer, Target target, int times) {
        for (int i = 0; i < times; i++) {
            balancer.onStart(target);
        }
    }
}
