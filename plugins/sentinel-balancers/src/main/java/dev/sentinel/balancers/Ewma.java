package dev.sentinel.balancers;

import java.util.concurrent.atomic.AtomicReference;

/**
 * An exponentially weighted moving average that decays with time: a sample {@code dt} after the previous
 * one counts for {@code 1 - e^(-dt/tau)}, but never less than {@code minWeight}, so a burst of samples
 * moves the average quickly while an idle stretch fades the past.
 *
 * <p>In <em>peak</em> mode (Finagle's peak EWMA), a sample above the average replaces it at once: the
 * average rises at the first slow answer and falls only gradually. Reads decay the value towards zero
 * over the time since the last sample, so a target that has been avoided gets tried again.
 *
 * <p>Lock-free: one immutable snapshot swapped by compare-and-set.
 */
final class Ewma {
    private record Snapshot(double value, long stampNanos, boolean seeded) {
    }

    private final double tauNanos;
    private final double minWeight;
    private final boolean peak;
    private final AtomicReference<Snapshot> state;

    Ewma(long tauNanos, double minWeight, boolean peak, long nowNanos) {
        this.tauNanos = tauNanos;
        this.minWeight = minWeight;
        this.peak = peak;
        this.state = new AtomicReference<>(new Snapshot(0, nowNanos, false));
    }

    void add(double sample, long nowNanos) {
        state.updateAndGet(old -> {
            if (!old.seeded()) {
                return new Snapshot(sample, nowNanos, true);
            }
            if (peak && sample > old.value()) {
                return new Snapshot(sample, nowNanos, true);
            }
            double weight = Math.max(minWeight, 1 - decay(nowNanos - old.stampNanos()));
            return new Snapshot(old.value() + (sample - old.value()) * weight, nowNanos, true);
        });
    }

    /** The average now; 0 before the first sample. In peak mode it fades while no samples arrive. */
    double value(long nowNanos) {
        Snapshot s = state.get();
        return peak ? s.value() * decay(nowNanos - s.stampNanos()) : s.value();
    }

    boolean seeded() {
        return state.get().seeded();
    }

    private double decay(long elapsedNanos) {
        return elapsedNanos <= 0 ? 1 : Math.exp(-elapsedNanos / tauNanos);
    }
}
