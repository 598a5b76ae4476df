/**
 * A route's filter chain: runs each filter's request phase in order on the request's virtual thread,
 * answers the first decision other than allow, and runs the response phases in reverse. Enforces the
 * filter contract: a filter's exception becomes a 500 naming it, framing headers stay Sentinel's.
 */
package dev.sentinel.server.filter;
