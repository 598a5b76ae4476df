package dev.sentinel.server.jmx;

import java.util.List;

/**
 * {@code sentinel:type=Server}: what is running, and the operations an operator steers it with.
 * Operations run on the calling JMX thread and return when done.
 */
public interface ServerMXBean {
    String OBJECT_NAME = "sentinel:type=Server";

    String getVersion();

    long getUptimeSeconds();

    /** The file reloads read, or {@code embedded:sentinel.kdl}. */
    String getConfigSource();

    /** SHA-256 of the configuration text in force. */
    String getConfigSha256();

    /** Listener ids with their addresses, as {@code id=host:port}. */
    List<String> getListeners();

    int getRouteCount();

    int getUpstreamCount();

    long getReloadsSucceeded();

    long getReloadsFailed();

    /** Requests being handled now, across all routes. */
    long getActiveRequests();

    /** True between {@link #drain()} and {@link #resume()}. */
    boolean isDraining();

    /** Validates the config file, then swaps it in; false (with errors in the log) when it was refused. */
    boolean reload();

    /**
     * Takes the server out of rotation without stopping it: the {@code health} builtin answers 503
     * {@code {"status":"draining"}}, and HTTP/1 responses carry {@code Connection: close}, so load balancers
     * and keep-alive clients move elsewhere while requests in flight, and any that still arrive, are
     * served. Listeners keep accepting. Watch {@code ActiveRequests}, then stop the process.
     */
    void drain();

    /** Ends a {@link #drain()}: health answers 200 again and connections are kept alive. */
    void resume();
}
