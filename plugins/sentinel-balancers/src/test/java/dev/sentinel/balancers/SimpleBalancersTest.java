package dev.sentinel.balancers;

import static dev.sentinel.balancers.Fixtures.exchange;
import static dev.sentinel.balancers.Fixtures.targets;
import static dev.sentinel.balancers.Fixtures.weighted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.spi.LoadBalancer;
import dev.sentinel.spi.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** round_robin, weighted (smooth weighted round robin) and random. */
class SimpleBalancersTest {
    @Test
    void roundRobinTakesEachTargetInTurn() {
        List<Target> three = targets(3);
        LoadBalancer balancer = new RoundRobin();
        List<Target> picked = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            picked.add(balancer.select(three, exchange()));
        }
        assertEquals(List.of(three.get(0), three.get(1), three.get(2), three.get(0), three.get(1), three.get(2)), picked);
    }

    @Test
    void roundRobinStaysExactlyEvenUnderConcurrentVirtualThreads() throws Exception {
        List<Target> four = targets(4);
        Map<Target, Integer> counts = countConcurrently(new RoundRobin(), four, 40_000);
        four.forEach(t -> assertEquals(10_000, counts.get(t), counts.toString()));
    }

    @Test
    void weightedInterleavesLikeNginxSmoothWeightedRoundRobin() {
        List<Target> abc = weighted(5, 1, 1);
        LoadBalancer balancer = new Weighted();
        StringBuilder sequence = new StringBuilder();
        for (int i = 0; i < 7; i++) {
            sequence.append((char) ('a' + abc.indexOf(balancer.select(abc, exchange()))));
        }
        assertEquals("aabacaa", sequence.toString());
    }

    @Test
    void weightedGivesEachTargetExactlyItsWeightPerCycleEvenConcurrently() throws Exception {
        List<Target> targets = weighted(1, 2, 3, 4);
        Map<Target, Integer> counts = countConcurrently(new Weighted(), targets, 10 * 1000);
        for (Target t : targets) {
            assertEquals(t.weight() * 1000, counts.get(t), counts.toString());
        }
    }

    @Test
    void weightedStartsAfreshWhenTheTargetListChanges() {
        LoadBalancer balancer = new Weighted();
        List<Target> first = weighted(3, 1);
        balancer.select(first, exchange());
        List<Target> second = weighted(1, 1, 1);
        assertEquals(second.get(0), balancer.select(second, exchange()));
        assertEquals(second.get(1), balancer.select(second, exchange()));
    }

    @Test
    void randomIsUniformForEqualWeightsAndProportionalOtherwise() {
        LoadBalancer balancer = new RandomChoice();
        Map<Target, Integer> even = count(balancer, targets(4), 40_000);
        even.values().forEach(n -> assertTrue(Math.abs(n - 10_000) < 600, even.toString()));
        List<Target> skewed = weighted(1, 3);
        Map<Target, Integer> counts = count(balancer, skewed, 40_000);
        assertTrue(Math.abs(counts.get(skewed.get(1)) - 30_000) < 800, counts.toString());
    }

    @Test
    void randomWithOneTargetAlwaysPicksIt() {
        List<Target> one = targets(1);
        assertEquals(Map.of(one.getFirst(), 100), count(new RandomChoice(), one, 100));
    }

    static Map<Target, Integer> count(LoadBalancer balancer, List<Target> targets, int picks) {
        Map<Target, Integer> counts = new ConcurrentHashMap<>();
        for (int i = 0; i < picks; i++) {
            counts.merge(balancer.select(targets, exchange()), 1, Integer::sum);
        }
        return counts;
    }

    /** {@code picks} selections spread over 100 virtual threads. */
    static Map<Target, Integer> countConcurrently(LoadBalancer balancer, List<Target> targets, int picks)
            throws Exception {
        Map<Target, AtomicInteger> counts = new ConcurrentHashMap<>();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int task = 0; task < 100; task++) {
                executor.submit(() -> {
                    for (int i = 0; i < picks / 100; i++) {
                        counts.computeIfAbsent(balancer.select(targets, exchange()), t -> new AtomicInteger())
                                .incrementAndGet();
                    }
                });
            }
        }
        Map<Target, Integer> result = new ConcurrentHashMap<>();
        counts.forEach((t, n) -> result.put(t, n.get()));
        return result;
    }
}
