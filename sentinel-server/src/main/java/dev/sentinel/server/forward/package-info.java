/**
 * The forwarding engine: a Jetty {@code AsyncMiddleManServlet} that sends the routed request to a
 * target of its upstream pool and streams both bodies, owning the forwarding headers and mapping
 * upstream failures to 502/504. {@link dev.sentinel.server.forward.ForwardRequest} is its only input.
 */
package dev.sentinel.server.forward;
