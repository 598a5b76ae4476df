package dev.sentinel.server.config.kdl;

import dev.sentinel.server.config.CircuitBreakerConfig;
import dev.sentinel.server.config.HealthCheckConfig;
import dev.sentinel.server.config.OutlierDetectionConfig;
import dev.sentinel.server.config.RetryPolicyConfig;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/** {@code health-check}, {@code circuit-breaker}, {@code outlier-detection} and {@code retry-policy}. */
final class ResilienceBinder {
    private static final int MAX_THRESHOLD = 1_000;
    private static final int MAX_SECONDS = 86_400;

    private ResilienceBinder() {
    }

    /** {@code health-check { type "http" { path expected-status host } interval-secs timeout-secs ... }}. */
    static HealthCheckConfig healthCheck(Block b) {
        b.expectShape(0);
        KdlNode typeNode = b.child("type");
        Duration interval = b.seconds(new String[] {"interval-secs"}, HealthCheckConfig.DEFAULT_INTERVAL, 1);
        Duration timeout = b.seconds(new String[] {"timeout-secs"}, HealthCheckConfig.DEFAULT_TIMEOUT, 1);
        int healthy = b.integer(new String[] {"healthy-threshold"}, HealthCheckConfig.DEFAULT_HEALTHY_THRESHOLD, 1,
                MAX_THRESHOLD);
        int unhealthy = b.integer(new String[] {"unhealthy-threshold"},
                HealthCheckConfig.DEFAULT_UNHEALTHY_THRESHOLD, 1, MAX_THRESHOLD);
        b.finish();
        if (typeNode == null) {
            return new HealthCheckConfig(HealthCheckConfig.Type.TCP, null, 0, null, null, interval, timeout, healthy,
                    unhealthy);
        }
        Block type = new Block(typeNode, b.label() + " type", b.diagnostics());
        type.expectShape(1);
        String name = typeNode.arguments().size() == 1 && typeNode.arguments().getFirst() instanceof KdlValue.Str s
                ? s.value().toLowerCase(Locale.ROOT) : null;
        if (name == null) {
            b.diagnostics().error(typeNode.location(), "'type' takes \"http\", \"tcp\" or \"grpc\"");
            type.finish();
            return null;
        }
        return switch (name) {
            case "http" -> {
                String path = type.string("path", HealthCheckConfig.DEFAULT_PATH);
                int expected = expectedStatus(type);
                String host = type.string("host", null);
                type.finish();
                if (!path.startsWith("/")) {
                    b.diagnostics().error(typeNode.location(), "health-check path must start with '/': \"" + path + "\"");
                }
                yield new HealthCheckConfig(HealthCheckConfig.Type.HTTP, path, expected, host, null, interval, timeout,
                        healthy, unhealthy);
            }
            case "grpc" -> {
                String service = type.string("service", HealthCheckConfig.DEFAULT_GRPC_SERVICE);
                type.finish();
                yield new HealthCheckConfig(HealthCheckConfig.Type.GRPC, null, 0, null, service, interval, timeout,
                        healthy, unhealthy);
            }
            case "tcp" -> {
                type.finish();
                yield new HealthCheckConfig(HealthCheckConfig.Type.TCP, null, 0, null, null, interval, timeout, healthy,
                        unhealthy);
            }
            case "inference" -> {
                b.diagnostics().error(typeNode.location(), "health-check type \"inference\" is not supported yet by"
                        + " Sentinel");
                yield null;
            }
            default -> {
                b.diagnostics().error(typeNode.location(), "unknown health-check type \"" + name
                        + "\"; accepted: http, tcp, grpc");
                yield null;
            }
        };
    }

    /** A number, or a string holding one (Zentinel reads the string form). */
    private static int expectedStatus(Block type) {
        KdlNode node = type.child("expected-status");
        if (node == null) {
            return HealthCheckConfig.DEFAULT_EXPECTED_STATUS;
        }
        KdlValue value = type.scalar(node);
        if (value instanceof KdlValue.Str s && s.value().matches("\\d{3}")) {
            value = new KdlValue.Num(new java.math.BigDecimal(s.value()), true, null, s.location());
        }
        Long status = value == null ? null : type.integer("expected-status", value, 100, 599);
        return status == null ? HealthCheckConfig.DEFAULT_EXPECTED_STATUS : status.intValue();
    }

    static CircuitBreakerConfig circuitBreaker(Block b) {
        b.expectShape(0);
        int failures = b.integer(new String[] {"failure-threshold"}, CircuitBreakerConfig.DEFAULT_FAILURE_THRESHOLD, 1,
                MAX_THRESHOLD);
        int successes = b.integer(new String[] {"success-threshold"}, CircuitBreakerConfig.DEFAULT_SUCCESS_THRESHOLD,
                1, MAX_THRESHOLD);
        Duration timeout = b.seconds(new String[] {"timeout-seconds", "timeout-secs"},
                CircuitBreakerConfig.DEFAULT_TIMEOUT, 1);
        int halfOpen = b.integer(new String[] {"half-open-max-requests"},
                CircuitBreakerConfig.DEFAULT_HALF_OPEN_MAX_REQUESTS, 1, MAX_THRESHOLD);
        b.finish();
        return new CircuitBreakerConfig(failures, successes, timeout, halfOpen);
    }

    static OutlierDetectionConfig outlierDetection(Block b) {
        b.expectShape(0);
        int failures = b.integer(new String[] {"consecutive-failures"},
                OutlierDetectionConfig.DEFAULT_CONSECUTIVE_FAILURES, 1, MAX_THRESHOLD);
        Duration base = b.seconds(new String[] {"base-ejection-secs"}, OutlierDetectionConfig.DEFAULT_BASE_EJECTION, 1);
        Duration max = b.seconds(new String[] {"max-ejection-secs"}, OutlierDetectionConfig.DEFAULT_MAX_EJECTION, 1);
        boolean ejectLast = b.bool("eject-last-target", false);
        b.finish();
        if (max.compareTo(base) < 0) {
            b.diagnostics().error(b.node().location(), "max-ejection-secs must be at least base-ejection-secs");
        }
        return new OutlierDetectionConfig(failures, base, max, ejectLast);
    }

    static RetryPolicyConfig retryPolicy(Block b) {
        b.expectShape(0);
        int attempts = b.integer(new String[] {"max-attempts"}, RetryPolicyConfig.DEFAULT_MAX_ATTEMPTS, 1, 10);
        Duration timeout = millis(b, "timeout-ms", null);
        Duration backoff = millis(b, "backoff-base-ms", RetryPolicyConfig.DEFAULT_BACKOFF_BASE);
        Duration backoffMax = millis(b, "backoff-max-ms", RetryPolicyConfig.DEFAULT_BACKOFF_MAX);
        KdlNode codesNode = b.child("retryable-status-codes");
        int budget = b.integer(new String[] {"budget-percent"}, RetryPolicyConfig.DEFAULT_BUDGET_PERCENT, 0, 100);
        int minPerSecond = b.integer(new String[] {"min-retries-per-sec"},
                RetryPolicyConfig.DEFAULT_MIN_RETRIES_PER_SECOND, 0, 1_000);
        b.finish();
        Set<Integer> codes = codesNode == null ? RetryPolicyConfig.DEFAULT_RETRYABLE_STATUS_CODES : statusCodes(b, codesNode);
        if (backoffMax.compareTo(backoff) < 0) {
            b.diagnostics().error(b.node().location(), "backoff-max-ms must be at least backoff-base-ms");
        }
        return new RetryPolicyConfig(attempts, backoff, backoffMax, codes, timeout, budget, minPerSecond);
    }

    private static Duration millis(Block b, String name, Duration fallback) {
        KdlNode node = b.child(name);
        Long value = node == null ? null : b.integer(node, 0, MAX_SECONDS * 1000L);
        return value == null ? fallback : Duration.ofMillis(value);
    }

    private static Set<Integer> statusCodes(Block b, KdlNode node) {
        Set<Integer> codes = new LinkedHashSet<>();
        if (node.arguments().isEmpty() || !node.properties().isEmpty() || !node.children().isEmpty()) {
            b.diagnostics().error(node.location(), "'retryable-status-codes' takes one or more statuses, e.g. 502 503 504");
        }
        for (KdlValue value : node.arguments()) {
            Long code = b.integer("retryable-status-codes", value, 400, 599);
            if (code != null) {
                codes.add(code.intValue());
            }
        }
        return codes;
    }
}
