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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * {@code peak_ewma}: Finagle's latency-aware balancer. Each target's cost is its peak-sensitive latency
 * average ({@link Ewma}) times {@code (requests in flight + 1)}; of two random targets, the cheaper wins.
 * A target turns expensive at its first slow answer, and cheap again only gradually. An upstream failure
 * counts as a sample of at least {@code failure-penalty}, so a target refusing connections (which fails
 * fast) does not look fast. Targets without samples cost 0, so new ones are tried at once.
 *
 * <pre>
 * load-balancing "peak_ewma" {
 *     decay-time "10s"         // how long the past weighs
 *     failure-penalty "1s"     // the latency a failed exchange counts as, at least
 * }
 * </pre>
 */
final class PeakEwma extends InFlightBalancer {
    private final ConcurrentHashMap<Target, Ewma> latency = new ConcurrentHashMap<>();
    private final long decayNanos;
    private final long penaltyNanos;
    private final LongSupplier clock;

    PeakEwma(Duration decay, Duration failurePenalty, LongSupplier clock) {
        super(false);
        this.decayNanos = decay.toNanos();
        this.penaltyNanos = failurePenalty.toNanos();
        this.clock = clock;
    }

    @Override
    public Target select(List<Target> targets, Exchange exchange) {
        int size = targets.size();
        if (size == 1) {
            return targets.getFirst();
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int i = random.nextInt(size);
        int j = random.nextInt(size - 1);
        if (j >= i) {
            j++;
        }
        long now = clock.getAsLong();
        Target a = targets.get(i);
        Target b = targets.get(j);
        int order = Double.compare(cost(a, now), cost(b, now));
        return order < 0 || order == 0 && random.nextBoolean() ? a : b;
    }

    @Override
    public void onComplete(Target target, Outcome outcome) {
        super.onComplete(target, outcome);
        if (outcome.kind() == Outcome.Kind.CANCELLED) {
            return;
        }
        long sample = outcome.latency().toNanos();
        if (outcome.upstreamFailed()) {
            sample = Math.max(sample, penaltyNanos);
        }
        long now = clock.getAsLong();
        latency.computeIfAbsent(target, t -> new Ewma(decayNanos, 0, true, now)).add(sample, now);
    }

    double cost(Target target, long now) {
        Ewma average = latency.get(target);
        double nanos = average == null ? 0 : average.value(now);
        return nanos * (inFlight.get(target) + 1);
    }

    public static final class Provider implements LoadBalancerProvider {
        @Override
        public String type() {
            return "peak_ewma";
        }

        @Override
        public Set<String> aliases() {
            return Set.of("peakewma", "ewma");
        }

        @Override
        public String description() {
            return "latency-aware: the cheaper of two random targets by peak EWMA latency x load";
        }

        @Override
        public LoadBalancer create(PluginConfig config) throws ConfigException {
            Duration decay = config.duration("decay-time", Duration.ofSeconds(10));
            Duration penalty = config.duration("failure-penalty", Duration.ofSeconds(1));
            return new PeakEwma(decay, penalty, System::nanoTime);
        }
    }
}
