package dev.sentinel.server.listener;

import dev.sentinel.server.config.LimitsConfig;
import dev.sentinel.server.config.ListenerConfig;
import dev.sentinel.server.config.SystemConfig;
import dev.sentinel.server.observability.ProxyMetrics;
import org.eclipse.jetty.server.ServerConnector;

/** Connection-level protections of a listener: what is checked at accept and while a connection lives. */
final class ConnectionGuards {
    private ConnectionGuards() {
    }

    static void install(ServerConnector connector, ListenerConfig listener, SystemConfig system, LimitsConfig limits,
                        ProxyMetrics metrics) {
    }
}
