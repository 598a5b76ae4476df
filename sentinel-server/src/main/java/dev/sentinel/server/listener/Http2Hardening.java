package dev.sentinel.server.listener;

import dev.sentinel.server.config.LimitsConfig;
import dev.sentinel.server.config.ListenerConfig;
import dev.sentinel.server.observability.ProxyMetrics;
import org.eclipse.jetty.http2.server.AbstractHTTP2ServerConnectionFactory;

/** HTTP/2 protections applied to every h2 and h2c connection factory. */
final class Http2Hardening {
    private Http2Hardening() {
    }

    static void configure(AbstractHTTP2ServerConnectionFactory factory, ListenerConfig listener, LimitsConfig limits,
                          ProxyMetrics metrics) {
        factory.setMaxConcurrentStreams(listener.maxConcurrentStreams());
    }
}
