package dev.sentinel.server.config.kdl;

/** One problem in a config file, printed as {@code file:line:col: message}. */
public record ConfigError(KdlLocation location, String message) {
    @Override
    public String toString() {
        return location + ": " + message;
    }
}
