package dev.sentinel.balancers;

import dev.sentinel.spi.ConfigException;
import dev.sentinel.spi.Exchange;
import dev.sentinel.spi.LoadBalancer;
import dev.sentinel.spi.LoadBalancerProvider;
import dev.sentinel.spi.Outcome;
import dev.sentinel.spi.PluginConfig;
import dev.sentinel.spi.Target;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * {@code adaptive}: weighted random choice with weights that follow each target's health. A target's
 * effective weight is its configured weight, times {@code fastest latency / its latency}, times
 * {@code (1 - its error rate)²}, but never below {@code min-weight-percent} of its configured weight, so
 * a failing target still gets the odd request and is noticed when it recovers. Latency and error rate
 * are moving averages ({@link Ewma}) of the outcomes; 5xx answers, connect failures, timeouts and broken
 * connections count as errors, cancelled exchanges not at all.
 *
 * <pre>
 * load-balancing "adaptive" {
 *     decay-time "10s"          // how long the past weighs
 *     min-weight-percent 5      // the least share a failing or slow target keeps
 * }
 * </pre>
 */
final class Adaptive implements LoadBalancer {
    /** However frequent the samples, each moves the averages by at least this much. */
    private static final double MIN_SAMPLE_WEIGHT = 0.1;

    private final ConcurrentHashMap<Target, Health> health = new ConcurrentHashMap<>();
    private final long decayNanos;
    private final double floor;
    private final LongSupplier clock;

    Adaptive(Duration decay, int minWeightPercent, LongSupplier clock) {
        this.decayNanos = decay.toNanos();
        this.floor = minWeightPercent / 100.0;
        this.clock = clock;
    }

    /** The moving averages of one target. */
    private static final class Health {
        final Ewma latency;
        final Ewma errors;

        Health(long decayNanos, long now) {
            latency = new Ewma(decayNanos, MIN_SAMPLE_WEIGHT, false, now);
            errors = new Ewma(decayNanos, MIN_SAMPLE_WEIGHT, false, now);
        }
    }

    @Override
    public Target select(List<Target> targets, Exchange exchange) {
        int size = targets.size();
        if (size == 1) {
            return targets.getFirst();
        }
        long now = clock.getAsLong();
        double fastest = Double.MAX_VALUE;
        for (Target target : targets) {
            Health h = health.get(target);
            if (h != null && h.latency.seeded()) {
                fastest = Math.min(fastest, Math.max(1, h.latency.value(now)));
            }
        }
        double[] weights = new double[size];
        double total = 0;
        for (int i = 0; i < size; i++) {
            weights[i] = effectiveWeight(targets.get(i), fastest, now);
            total += weights[i];
        }
        double ticket = ThreadLocalRandom.current().nextDouble(total);
        for (int i = 0; i < size - 1; i++) {
            ticket -= weights[i];
            if (ticket < 0) {
                return targets.get(i);
            }
        }
        return targets.get(size - 1);
    }

    double effectiveWeight(Target target, double fastestNanos, long now) {
        Health h = health.get(target);
        if (h == null) {
            return target.weight();
        }
        double speed = h.latency.seeded() ? fastestNanos / Math.max(1, h.latency.value(now)) : 1;
        double success = 1 - h.errors.value(now);
        return target.weight() * Math.max(floor, speed * success * success);
    }

    @Override
    public void onComplete(Target target, Outcome outcome) {
        if (outcome.kind() == Outcome.Kind.CANCELLED) {
            return;
        }
        long now = clock.getAsLong();
        Health h = health.computeIfAbsent(target, t -> new Health(decayNanos, now));
        h.errors.add(outcome.upstreamFailed() ? 1 : 0, now);
        // A fast failure says nothing about how fast the target serves.
        if (outcome.succeeded()) {
            h.latency.add(outcome.latency().toNanos(), now);
        }
    }

    public static final class Provider implements LoadBalancerProvider {
        @Override
        public String type() {
            return "adaptive";
        }

        @Override
        public String description() {
            return "weighted random with weights that follow each target's latency and error rate";
        }

        @Override
        public LoadBalancer create(PluginConfig config) throws ConfigException {
            Duration decay = config.duration("decay-time", Duration.ofSeconds(10));
            int minWeightPercent = config.integer("min-weight-percent", 5, 1, 100);
            return new Adaptive(decay, minWeightPercent, System::nanoTime);
        }
    }
}
