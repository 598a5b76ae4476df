package dev.sentinel.server.listener;

import dev.sentinel.server.config.ListenerConfig;
import org.eclipse.jetty.http2.server.AbstractHTTP2ServerConnectionFactory;

/** HTTP/2 protections applied to every h2 and h2c connection factory. */
final class Http2Hardening {
    private Http2Hardening() {
    }

    static void configure(AbstractHTTP2ServerConnectionFactory factory, ListenerConfig listener) {
        factory.setMaxConcurrentStreams(listener.maxConcurrentStreams());
    }
}
