package dev.sentinel.server.config;

import java.time.Duration;

/**
 * Process-wide settings ({@code system { }}).
 *
 * @param workerThreads        carrier threads of the virtual threads that run requests, and selector threads
 *                             per listener; 0 = a carrier per core and a selector per two
 * @param maxConnections       open client connections across all listeners; more are closed at accept
 * @param gracefulShutdown     how long in-flight requests may finish on stop
 * @param securityHeaders      add {@code X-Content-Type-Options: nosniff} and
 *                             {@code X-Frame-Options: DENY} to responses that lack them
 * @param autoReload           watch the config file and reload when its content changes
 */
public record SystemConfig(
        int workerThreads,
        int maxConnections,
        Duration gracefulShutdown,
        boolean securityHeaders,
        boolean autoReload) {

    public static final int DEFAULT_WORKER_THREADS = 0;
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    public static final Duration DEFAULT_GRACEFUL_SHUTDOWN = Duration.ofSeconds(30);
    public static final boolean DEFAULT_SECURITY_HEADERS = true;
    public static final boolean DEFAULT_AUTO_RELOAD = false;

    public static SystemConfig defaults() {
        return new SystemConfig(DEFAULT_WORKER_THREADS, DEFAULT_MAX_CONNECTIONS, DEFAULT_GRACEFUL_SHUTDOWN,
                DEFAULT_SECURITY_HEADERS, DEFAULT_AUTO_RELOAD);
    }
}
