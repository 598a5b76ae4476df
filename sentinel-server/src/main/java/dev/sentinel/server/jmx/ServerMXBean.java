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

    /** Validates the config file, then swaps it in; false (with errors in the log) when it was refused. */
    boolean reload();
}
