package dev.sentinel.server.config.kdl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.server.config.CircuitBreakerConfig;
import dev.sentinel.server.config.HealthCheckConfig;
import dev.sentinel.server.config.OutlierDetectionConfig;
import dev.sentinel.server.config.RetryPolicyConfig;
import dev.sentinel.server.config.RouteConfig;
import dev.sentinel.server.config.SentinelConfig;
import dev.sentinel.server.config.UpstreamConfig;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code health-check}, {@code circuit-breaker}, {@code outlier-detection} and {@code retry-policy} binding. */
class ResilienceConfigTest {
    private static final String HEAD = """
            system { worker-threads 1 }
            listeners { listener "main" { address "127.0.0.1:8080" } }
            """;

    @Test
    void httpHealthCheckAsTheReferenceConfigsWriteIt() throws Exception {
        HealthCheckConfig check = upstream("""
                health-check {
                    type "http" {
                        path "/healthz"
                        expected-status 204
                        host "api.internal"
                    }
                    interval-secs 5
                    timeout-secs 3
                    healthy-threshold 1
                    unhealthy-threshold 4
                }""").healthCheck();
        assertEquals(new HealthCheckConfig(HealthCheckConfig.Type.HTTP, "/healthz", 204, "api.internal", null,
                Duration.ofSeconds(5), Duration.ofSeconds(3), 1, 4), check);
    }

    @Test
    void healthCheckDefaultsFollowZentinel() throws Exception {
        HealthCheckConfig check = upstream("health-check { type \"http\" }").healthCheck();
        assertEquals("/health", check.path());
        assertEquals(200, check.expectedStatus());
        assertEquals(Duration.ofSeconds(10), check.interval());
        assertEquals(Duration.ofSeconds(5), check.timeout());
        assertEquals(2, check.healthyThreshold());
        assertEquals(3, check.unhealthyThreshold());
        assertEquals(HealthCheckConfig.Type.TCP, upstream("health-check { interval-secs 30 }").healthCheck().type());
        assertEquals(HealthCheckConfig.Type.TCP, upstream("health-check { type \"tcp\" }").healthCheck().type());
        assertEquals(200, upstream("health-check { type \"http\" { expected-status \"200\" } }").healthCheck()
                .expectedStatus(), "Zentinel reads the string form");
        assertNull(upstream("").healthCheck());
    }

    @Test
    void grpcHealthCheckNamesItsService() throws Exception {
        assertEquals("", upstream("health-check { type \"grpc\" }").healthCheck().grpcService());
        HealthCheckConfig check = upstream("health-check { type \"grpc\" { service \"shop.Cart\" } }").healthCheck();
        assertEquals(HealthCheckConfig.Type.GRPC, check.type());
        assertEquals("shop.Cart", check.grpcService());
    }

    @Test
    void healthCheckMistakesAreRefusedWithTheirLocation() {
        assertEquals(List.of("t.kdl:7:5: unknown key 'intervall-secs' in upstream \"u\" health-check; accepted keys:"
                + " type, interval-secs, timeout-secs, healthy-threshold, unhealthy-threshold"),
                errors("health-check {\n    intervall-secs 5\n  }"));
        assertTrue(errors("health-check { type \"http\" { status 200 } }").getFirst()
                .contains("unknown key 'status' in upstream \"u\" health-check type"));
        assertTrue(errors("health-check { type \"icmp\" }").getFirst().contains("unknown health-check type \"icmp\""));
        assertTrue(errors("health-check { type \"inference\" }").getFirst().endsWith("is not supported yet by Sentinel"));
        assertTrue(errors("health-check { type \"tcp\" { path \"/x\" } }").getFirst().contains("unknown key 'path'"));
        assertTrue(errors("health-check { unhealthy-threshold 0 }").getFirst().contains("between 1 and 1000"));
        assertTrue(errors("health-check { type \"http\" { path \"health\" } }").getFirst().contains("must start with '/'"));
    }

    @Test
    void upstreamCircuitBreakerAndOutlierDetection() throws Exception {
        UpstreamConfig upstream = upstream("""
                circuit-breaker {
                    failure-threshold 3
                    success-threshold 1
                    timeout-seconds 60
                    half-open-max-requests 2
                }
                outlier-detection { consecutive-failures 2; base-ejection-secs 5; max-ejection-secs 50; eject-last-target #true }""");
        assertEquals(new CircuitBreakerConfig(3, 1, Duration.ofSeconds(60), 2), upstream.circuitBreaker());
        assertEquals(new OutlierDetectionConfig(2, Duration.ofSeconds(5), Duration.ofSeconds(50), true),
                upstream.outlierDetection());
        UpstreamConfig plain = upstream("");
        assertNull(plain.circuitBreaker());
        assertEquals(OutlierDetectionConfig.defaults(), plain.outlierDetection());
        assertEquals(new CircuitBreakerConfig(5, 2, Duration.ofSeconds(30), 1),
                upstream("circuit-breaker { }").circuitBreaker(), "Zentinel's defaults");
        assertTrue(errors("circuit-breaker { failure-treshold 3 }").getFirst().contains("unknown key 'failure-treshold'"));
    }

    @Test
    void routeRetryPolicyAndBreaker() throws Exception {
        RouteConfig route = route("""
                retry-policy {
                    max-attempts 3
                    timeout-ms 5000
                    backoff-base-ms 100
                    retryable-status-codes 502 503 504
                }
                circuit-breaker { failure-threshold 5; success-threshold 2; timeout-seconds 60; half-open-max-requests 3 }""");
        assertEquals(new RetryPolicyConfig(3, Duration.ofMillis(100), Duration.ofSeconds(1), Set.of(502, 503, 504),
                Duration.ofMillis(5000), 20, 3), route.resilience().retryPolicy());
        assertEquals(Duration.ofMillis(2000), route("retry-policy { backoff-max-ms 2000 }").resilience().retryPolicy()
                .backoffMax());
        assertEquals(new CircuitBreakerConfig(5, 2, Duration.ofSeconds(60), 3), route.resilience().circuitBreaker());
        RouteConfig plain = route("");
        assertNull(plain.resilience().retryPolicy());
        assertNull(plain.resilience().circuitBreaker());
        RetryPolicyConfig defaults = route("retry-policy { }").resilience().retryPolicy();
        assertEquals(3, defaults.maxAttempts());
        assertEquals(Set.of(502, 503, 504), defaults.retryableStatusCodes());
        assertNull(defaults.attemptTimeout());
    }

    @Test
    void retryPolicyMistakesAreRefused() {
        assertTrue(routeErrors("retry-policy { retryable-status-codes 200 }").getFirst().contains("between 400 and 599"));
        assertTrue(routeErrors("retry-policy { retryable-status-codes }").getFirst().contains("one or more statuses"));
        assertTrue(routeErrors("retry-policy { max-attempts 0 }").getFirst().contains("between 1 and 10"));
        assertTrue(routeErrors("retry-policy { retry-on \"5xx\" }").getFirst().contains("unknown key 'retry-on'"));
        assertTrue(routeErrors("retry-policy { backoff-base-ms 500; backoff-max-ms 100 }").getFirst()
                .contains("backoff-max-ms must be at least backoff-base-ms"));
    }

    @Test
    void upstreamsBuiltinIsAccepted() throws Exception {
        SentinelConfig config = ConfigLoader.parse(HEAD + """
                routes { route "u" { matches { path "/admin/upstreams" }; builtin-handler "upstreams" } }
                """, "t.kdl");
        assertEquals(RouteConfig.Builtin.UPSTREAMS, config.routes().getFirst().builtin());
    }

    private static UpstreamConfig upstream(String block) throws ConfigException {
        return ConfigLoader.parse(HEAD + "upstreams {\n  upstream \"u\" {\n    target \"127.0.0.1:1\"; target \"127.0.0.1:2\"\n  "
                + block + "\n  }\n}\n", "t.kdl").upstreams().get("u");
    }

    private static RouteConfig route(String block) throws ConfigException {
        return ConfigLoader.parse(HEAD + "routes { route \"r\" { upstream \"u\"\n" + block + "\n} }\n"
                + "upstreams { upstream \"u\" { target \"127.0.0.1:1\" } }\n", "t.kdl").routes().getFirst();
    }

    private static List<String> errors(String block) {
        ConfigException e = assertThrows(ConfigException.class, () -> upstream(block));
        return e.errors().stream().map(ConfigError::toString).toList();
    }

    private static List<String> routeErrors(String block) {
        ConfigException e = assertThrows(ConfigException.class, () -> route(block));
        return e.errors().stream().map(ConfigError::toString).toList();
    }
}
