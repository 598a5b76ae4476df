package dev.sentinel.server.config.kdl;

import java.util.List;

/** A config was refused; {@link #errors()} holds every problem found, in file order. */
public final class ConfigException extends Exception {
    private final List<ConfigError> errors;

    public ConfigException(List<ConfigError> errors) {
        super(errors.size() == 1 ? errors.getFirst().toString()
                : errors.size() + " errors, first: " + errors.getFirst());
        this.errors = List.copyOf(errors);
    }

    public List<ConfigError> errors() {
        return errors;
    }
}
