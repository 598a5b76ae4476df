package dev.sentinel.server.config;

import java.time.Duration;

/**
 * An upstream's active health check ({@code health-check { }}): each target is probed every
 * {@code interval}; {@code unhealthyThreshold} failures in a row take it out of balancing,
 * {@code healthyThreshold} successes in a row bring it back.
 *
 * @param path           HTTP only: the path requested with GET
 * @param expectedStatus HTTP only: the status that counts as healthy
 * @param host           HTTP only: the {@code Host} header, or {@code null} for the target's address
 * @param grpcService    gRPC only: the service name sent in {@code grpc.health.v1.HealthCheckRequest}
 *                       ({@code ""} asks about the server as a whole)
 */
public record HealthCheckConfig(Type type, String path, int expectedStatus, String host, String grpcService,
                                Duration interval, Duration timeout, int healthyThreshold,
                                int unhealthyThreshold) {
    public static final String DEFAULT_PATH = "/health";
    public static final int DEFAULT_EXPECTED_STATUS = 200;
    public static final String DEFAULT_GRPC_SERVICE = "";
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_HEALTHY_THRESHOLD = 2;
    public static final int DEFAULT_UNHEALTHY_THRESHOLD = 3;

    /** How a target is probed. */
    public enum Type {
        /** GET {@code path} answers {@code expectedStatus}. */
        HTTP,
        /** A TCP connection is accepted. */
        TCP,
        /** {@code grpc.health.v1.Health/Check} over h2c answers {@code SERVING}. */
        GRPC
    }
}
