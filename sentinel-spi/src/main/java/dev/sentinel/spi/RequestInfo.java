package dev.sentinel.spi;

/**
 * What a {@link LoadBalancer} may know of the request it places: enough for hashing and stickiness,
 * nothing it could change.
 */
public interface RequestInfo {
    String method();

    /** The path without the query string. */
    String path();

    /** The first value of the named header (case-insensitive), or {@code null}. */
    String header(String name);

    /** The client's IP address as text. */
    String clientAddress();

    /** The id of the route that matched. */
    String routeId();
}
