package dev.sentinel.server.config.kdl;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects every error of one load, so that {@code test} can report them all at once. */
final class Diagnostics {
    private final List<ConfigError> errors = new ArrayList<>();

    void error(KdlLocation where, String message) {
        errors.add(new ConfigError(where, message));
    }

    boolean hasErrors() {
        return !errors.isEmpty();
    }

    void throwIfAny() throws ConfigException {
        if (!errors.isEmpty()) {
            errors.sort(Comparator.comparing((ConfigError e) -> e.location().file())
                    .thenComparingInt(e -> e.location().line())
                    .thenComparingInt(e -> e.location().column()));
            throw new ConfigException(errors);
        }
    }
}
