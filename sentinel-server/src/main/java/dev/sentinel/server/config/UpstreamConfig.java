package dev.sentinel.server.config;

import dev.sentinel.spi.LoadBalancer;
import dev.sentinel.spi.Target;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * One upstream pool ({@code upstreams { upstream "id" { } }}).
 *
 * @param targets       every target once, in the order written
 * @param loadBalancing the balancer's type as its provider names it ({@code round_robin} for
 *                      {@code "round-robin"}, {@code weighted} for {@code "weighted-round-robin"})
 * @param newBalancer   makes a fresh balancer configured from the {@code load-balancing} block; each
 *                      runtime snapshot calls it once, so learned state starts anew on reload
 * @param tls           set when the targets speak HTTPS
 * @param healthCheck   active health check, or {@code null} for none
 * @param circuitBreaker one breaker per target, or {@code null} for none
 * @param outlierDetection passive health: ejection after failures in a row (always on)
 */
public record UpstreamConfig(
        String id,
        List<Target> targets,
        String loadBalancing,
        Supplier<LoadBalancer> newBalancer,
        Timeouts timeouts,
        UpstreamTls tls,
        HealthCheckConfig healthCheck,
        CircuitBreakerConfig circuitBreaker,
        OutlierDetectionConfig outlierDetection) {

    public static final String DEFAULT_LOAD_BALANCING = "round_robin";

    public UpstreamConfig {
        targets = List.copyOf(targets);
    }

    /** An upstream without health check or breaker, with default outlier detection. */
    public UpstreamConfig(String id, List<Target> targets, String loadBalancing, Supplier<LoadBalancer> newBalancer,
                          Timeouts timeouts, UpstreamTls tls) {
        this(id, targets, loadBalancing, newBalancer, timeouts, tls, null, null, OutlierDetectionConfig.defaults());
    }

    /**
     * @param connect establishing the TCP (and TLS) connection; past it, 504
     * @param read    longest silence while waiting for response bytes; past it, 504
     * @param write   longest wait to send request bytes; past it, 504
     * @param request bounds one whole exchange with this upstream, or {@code null} for none (long
     *                streams stay open while bytes flow; {@code read} still cuts silence)
     */
    public record Timeouts(Duration connect, Duration read, Duration write, Duration request) {
        public static final Duration DEFAULT_CONNECT = Duration.ofSeconds(10);
        public static final Duration DEFAULT_READ = Duration.ofSeconds(30);
        public static final Duration DEFAULT_WRITE = Duration.ofSeconds(30);

        /** The one idle timer Jetty keeps per exchange: the smaller of {@code read} and {@code write}. */
        public Duration idle() {
            return read.compareTo(write) < 0 ? read : write;
        }

        public static Timeouts defaults() {
            return new Timeouts(DEFAULT_CONNECT, DEFAULT_READ, DEFAULT_WRITE, null);
        }
    }

    /**
     * @param sni                server name sent in the handshake; {@code null} = the target host
     * @param insecureSkipVerify accept any certificate (testing only)
     */
    public record UpstreamTls(String sni, boolean insecureSkipVerify) {}
}
