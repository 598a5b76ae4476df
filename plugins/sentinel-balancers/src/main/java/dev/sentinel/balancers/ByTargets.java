package dev.sentinel.balancers;

import dev.sentinel.spi.Target;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A structure derived from a target list (a ring, a table, running scores), rebuilt only when the
 * server passes a different list. The server hands over the same list instance until the set of healthy
 * targets changes, so the check is one identity comparison. When threads race to build for a new list,
 * one build is published by compare-and-set and every caller uses that one: some derived values (the
 * running scores of {@code weighted}) carry state, so two copies would not be interchangeable.
 */
final class ByTargets<T> {
    private record Entry<T>(List<Target> targets, T value) {
    }

    private final Function<List<Target>, T> build;
    private final AtomicReference<Entry<T>> entry = new AtomicReference<>();

    ByTargets(Function<List<Target>, T> build) {
        this.build = build;
    }

    T get(List<Target> targets) {
        Entry<T> current = entry.get();
        while (current == null || current.targets() != targets) {
            Entry<T> built = new Entry<>(targets, build.apply(targets));
            if (entry.compareAndSet(current, built)) {
                return built.value();
            }
            current = entry.get();
        }
        return current.value();
    }
}
