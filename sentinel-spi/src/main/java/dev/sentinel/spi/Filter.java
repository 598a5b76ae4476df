package dev.sentinel.spi;

/**
 * A step of a route's filter chain ({@code filters "cors" "limit"}): sees the request on its way to the
 * upstream, and the response on its way back.
 *
 * <p><b>Order.</b> The request phase runs in the order the route lists its filters, until one decides
 * something other than {@link Decision#allow()}: that decision answers the client and the remaining
 * filters and the upstream are skipped. The response phase runs in reverse order, for the filters that
 * allowed the request: on the upstream's response (or Sentinel's 502/504 in its place), on a builtin
 * handler's response, and on the reply a later filter decided, so an outer {@code cors} filter still
 * marks an inner filter's {@code 429}.
 *
 * <p><b>Threading.</b> One instance serves every route that names it and every request, concurrently: keep
 * per-request state in locals. The request phase runs on the request's virtual thread and may block (a
 * lookup, a remote call), though the client waits for it. The response phase runs where Jetty delivers the
 * upstream's response head and must not block.
 *
 * <p><b>Failures.</b> An exception from the request phase answers 500 and is logged with the filter's
 * name; from the response phase it is logged and the response goes on unchanged.
 *
 * <pre>
 * public Decision onRequest(FilterRequest request) {
 *     if (request.header("X-Api-Key") == null) {
 *         return Decision.deny(401, "an API key is required");
 *     }
 *     request.removeHeader("X-Debug");
 *     return Decision.allow();
 * }
 * </pre>
 */
public interface Filter {
    /** The request phase: inspect or change the request, then allow it or answer it. */
    default Decision onRequest(FilterRequest request) throws Exception {
        return Decision.allow();
    }

    /** The response phase: change the response's status or headers before they are sent. */
    default void onResponse(Exchange request, FilterResponse response) {
    }
}
