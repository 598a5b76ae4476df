package dev.sentinel.server.config;

import java.time.Duration;

/**
 * One listening socket ({@code listeners { listener "id" { } }}).
 *
 * @param host               bind address ({@code 0.0.0.0} for all)
 * @param protocol           what the socket speaks
 * @param tls                certificate and key; required for {@code https}, optional for {@code h2}
 * @param requestTimeout     bound on reading one request's header section
 * @param keepaliveTimeout   how long an idle connection stays open
 * @param maxConcurrentStreams HTTP/2 streams per connection
 * @param defaultRoute       route id used when no route matches, or {@code null}
 */
public record ListenerConfig(
        String id,
        String host,
        int port,
        Protocol protocol,
        TlsConfig tls,
        Duration requestTimeout,
        Duration keepaliveTimeout,
        int maxConcurrentStreams,
        String defaultRoute) {

    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_KEEPALIVE_TIMEOUT = Duration.ofSeconds(75);
    public static final int DEFAULT_MAX_CONCURRENT_STREAMS = 100;

    /** What a listener speaks on its socket. */
    public enum Protocol {
        /** HTTP/1.1, and HTTP/2 without TLS (h2c) for clients that start with its preface. */
        HTTP,
        /** TLS, then HTTP/2 or HTTP/1.1 chosen by ALPN. */
        HTTPS,
        /** HTTP/2 only: over TLS with ALPN when {@code tls} is set, else h2c. */
        H2
    }

    /** Server certificate chain and private key, PEM files. */
    public record TlsConfig(java.nio.file.Path certFile, java.nio.file.Path keyFile) {}
}
