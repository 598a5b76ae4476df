package dev.sentinel.spi;

import java.util.List;

/**
 * One request on its way through Sentinel, as a plugin sees it: a read-only view of the client's request,
 * plus a narrow way to add or set headers on the response the client will get.
 *
 * <p>An exchange is confined to the request it describes: use it only during the call that received it,
 * never keep it. Header names are case-insensitive.
 */
public interface Exchange {
    /** The request method, upper-case as sent ({@code GET}). */
    String method();

    /** The path as the client sent it (still percent-encoded), without the query string ({@code /api/users}). */
    String path();

    /** The raw query string without {@code ?}, or {@code null} when there is none. */
    String query();

    /** The first value of the named request header, or {@code null}. */
    String header(String name);

    /** Every value of the named request header, in order; empty when absent. */
    List<String> headers(String name);

    /** The value of the named request cookie, or {@code null}. */
    String cookie(String name);

    /** The client's IP address as text: the peer of the connection, not a forwarded-for header. */
    String clientAddress();

    /** The id of the route that matched. */
    String routeId();

    /** The id of the upstream the request goes to. */
    String upstreamId();

    /**
     * Adds a header to the response this exchange sends to the client, whatever the upstream answers,
     * for example a {@code Set-Cookie} that pins the client to a target. Called from
     * {@link LoadBalancer#select}, the header belongs to that choice: it reaches the client only with the chosen
     * target's response, not when the request is retried on another target.
     *
     * @throws IllegalArgumentException when the name is not an HTTP token, the value holds CR, LF or NUL,
     *                                  or the name is a hop-by-hop or framing header
     * @throws IllegalStateException    when the response is already committed
     */
    void addResponseHeader(String name, String value);

    /**
     * Sets a header on the response this exchange sends to the client, in place of any the upstream sends
     * under that name, for example a rate limit's {@code X-RateLimit-Remaining}. Same checks as
     * {@link #addResponseHeader}, and from {@link LoadBalancer#select} it belongs to that choice as well.
     *
     * @throws IllegalArgumentException when the name is not an HTTP token, the value holds CR, LF or NUL,
     *                                  or the name is a hop-by-hop or framing header
     * @throws IllegalStateException    when the response is already committed
     */
    void setResponseHeader(String name, String value);
}
