package dev.sentinel.server.jmx;

/**
 * {@code sentinel:type=Route,name=<id>}: one route of the configuration in force. Registered when a
 * configuration with the route comes into force and unregistered when one without it does; its counts
 * run from process start (a route that comes back continues them, as its metrics do).
 */
public interface RouteMXBean {
    long getRequests();

    /** Requests answered with a 5xx status, Sentinel's own 502/504 included. */
    long getErrors();

    long getActiveRequests();

    /** Mean time from arrival to response completion since start, in ms. */
    double getMeanLatencyMillis();

    /** The same, weighted towards the latest requests (each new request weighs 1/16), in ms. */
    double getRecentLatencyMillis();
}
