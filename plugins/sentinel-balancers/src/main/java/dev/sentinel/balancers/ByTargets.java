package dev.sentinel.balancers;

import dev.sentinel.spi.Target;
import java.util.List;
import java.util.function.Function;

/**
 * A structure derived from a target list (a ring, a table, cumulative weights), rebuilt only when the
 * server passes a different list. The server hands over the same list instance until the set of healthy
 * targets changes, so the check is one identity comparison. Concurrent rebuilds are harmless: they
 * compute the same value, and the last one wins.
 */
final class ByTargets<T> {
    private record Entry<T>(List<Target> targets, T value) {
    }

    private final Function<List<Target>, T> build;
    private volatile Entry<T> entry;

    ByTargets(Function<List<Target>, T> build) {
        this.build = build;
    }

    T get(List<Target> targets) {
        Entry<T> current = entry;
        if (current == null || current.targets() != targets) {
            current = new Entry<>(targets, build.apply(targets));
            entry = current;
        }
        return current.value();
    }
}
