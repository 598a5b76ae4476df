package dev.sentinel.spi;

import java.io.IOException;

/**
 * The request as a {@link Filter} sees it in its request phase: the read-only {@link Exchange} plus the
 * changes a filter may make before the request goes on. Changes are seen by the filters after this one
 * and by the upstream; the route was chosen before any filter ran and stays.
 *
 * <p>Sentinel's own headers are set after the filters and win: a filter cannot forge
 * {@code X-Forwarded-For}, {@code X-Forwarded-Proto}, {@code X-Forwarded-Host} or {@code X-Forwarded-By}.
 */
public interface FilterRequest extends Exchange {
    /** {@code http} or {@code https}, as the client connected. */
    String scheme();

    /** The host the client asked for (the {@code Host} header or HTTP/2 authority), without the port. */
    String host();

    /**
     * The longest {@code path-prefix} of the route that matched this request's path, or {@code null}
     * when the route matched it otherwise.
     */
    String matchedPathPrefix();

    /** Replaces the named request header (all its values) with one value. */
    void setHeader(String name, String value);

    /** Adds a value to the named request header. */
    void addHeader(String name, String value);

    /** Removes every value of the named request header. */
    void removeHeader(String name);

    /**
     * Sends the request upstream with this path and query instead.
     *
     * @param path  an absolute path, percent-encoded as it should be sent ({@code /v2/users})
     * @param query the query without {@code ?}, or {@code null} for none
     * @throws IllegalArgumentException when the path is not absolute or holds characters not allowed in
     *                                  a request-target
     */
    void setPathAndQuery(String path, String query);

    /**
     * The whole request body, read now; it is still forwarded, from memory. Reading is bounded by the
     * route's {@code max-body-size}: a larger body answers the client 413 and ends the request.
     *
     * @return the body, empty when there is none
     * @throws IOException when the client's body cannot be read (the request then ends)
     */
    byte[] body() throws IOException;
}
