package dev.sentinel.server.routing;

/** The parts of a request that routes match on. */
public interface RoutingRequest {
    /** Upper-case method. */
    String method();

    /** Lower-case host without port, or empty. */
    String host();

    /** Decoded, normalised path, starting with '/'. */
    String path();

    /** The raw query string without '?', or {@code null}. */
    String query();

    /** True when the header is present, with {@code value} exactly when it is not {@code null}. */
    boolean hasHeader(String name, String value);
}
