package dev.sentinel.server.config.kdl;

import dev.sentinel.server.config.CircuitBreakerConfig;
import dev.sentinel.server.config.HealthCheckConfig;
import dev.sentinel.server.config.OutlierDetectionConfig;
import dev.sentinel.server.config.UpstreamConfig;
import dev.sentinel.server.plugin.PluginRegistry;
import dev.sentinel.spi.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code upstreams { upstream "id" { target ... } }}. */
final class UpstreamBinder {

    record Bound(Map<String, UpstreamConfig> upstreams) {
        static final Bound EMPTY = new Bound(Map.of());
    }

    private UpstreamBinder() {
    }

    /** @param plugins where {@code load-balancing} names are looked up */
    static Bound bind(Block upstreams, PluginRegistry plugins) {
        upstreams.expectShape(0);
        Map<String, UpstreamConfig> bound = new LinkedHashMap<>();
        for (KdlNode node : upstreams.children("upstream")) {
            String id = Ids.of(upstreams, node, "upstream");
            if (id == null) {
                continue;
            }
            UpstreamConfig upstream = upstream(new Block(node, "upstream \"" + id + "\"", upstreams.diagnostics()), id,
                    plugins);
            if (upstream != null && bound.putIfAbsent(id, upstream) != null) {
                upstreams.diagnostics().error(node.location(), "upstream id '" + id + "' is used twice");
            }
        }
        upstreams.finish();
        return new Bound(bound);
    }

    private static UpstreamConfig upstream(Block b, String id, PluginRegistry plugins) {
        b.expectShape(1);
        List<Target> targets = TargetBinder.bind(b);
        KdlNode balancingNode = b.child("load-balancing");
        KdlNode timeoutsNode = b.child("timeouts");
        KdlNode tlsNode = b.child("tls");
        KdlNode healthCheckNode = b.child("health-check");
        KdlNode breakerNode = b.child("circuit-breaker");
        KdlNode outlierNode = b.child("outlier-detection");
        b.notYetSupported("connection-pool", "http-version", "sticky");
        b.finish();

        BalancerBinder.Bound balancer = BalancerBinder.bind(b, balancingNode, plugins);
        UpstreamConfig.Timeouts timeouts = timeoutsNode == null ? UpstreamConfig.Timeouts.defaults()
                : timeouts(new Block(timeoutsNode, b.label() + " timeouts", b.diagnostics()));
        UpstreamConfig.UpstreamTls tls = tlsNode == null ? null
                : tls(new Block(tlsNode, b.label() + " tls", b.diagnostics()));
        HealthCheckConfig healthCheck = healthCheckNode == null ? null
                : ResilienceBinder.healthCheck(new Block(healthCheckNode, b.label() + " health-check", b.diagnostics()));
        CircuitBreakerConfig breaker = breakerNode == null ? null
                : ResilienceBinder.circuitBreaker(new Block(breakerNode, b.label() + " circuit-breaker", b.diagnostics()));
        OutlierDetectionConfig outliers = outlierNode == null ? OutlierDetectionConfig.defaults()
                : ResilienceBinder.outlierDetection(new Block(outlierNode, b.label() + " outlier-detection",
                b.diagnostics()));
        if (targets.isEmpty()) {
            return null;
        }
        // A refused balancer is already reported and the document will be refused; binding the upstream
        // anyway keeps routes that name it from being reported as naming nothing.
        return balancer == null
                ? new UpstreamConfig(id, targets, UpstreamConfig.DEFAULT_LOAD_BALANCING, null, timeouts, tls,
                        healthCheck, breaker, outliers)
                : new UpstreamConfig(id, targets, balancer.type(), balancer.factory(), timeouts, tls, healthCheck,
                        breaker, outliers);
    }

    private static UpstreamConfig.Timeouts timeouts(Block b) {
        b.expectShape(0);
        Duration connect = b.seconds(new String[] {"connect-secs", "connect"}, UpstreamConfig.Timeouts.DEFAULT_CONNECT, 1);
        Duration read = b.seconds(new String[] {"read-secs", "read"}, UpstreamConfig.Timeouts.DEFAULT_READ, 1);
        Duration write = b.seconds(new String[] {"write-secs", "write"}, UpstreamConfig.Timeouts.DEFAULT_WRITE, 1);
        Duration request = b.seconds(new String[] {"request-secs", "request"}, null, 1);
        b.finish();
        return new UpstreamConfig.Timeouts(connect, read, write, request);
    }

    private static UpstreamConfig.UpstreamTls tls(Block b) {
        b.expectShape(0);
        String sni = b.string("sni", null);
        boolean insecure = b.bool("insecure-skip-verify", false);
        b.notYetSupported("client-cert", "client-key", "ca-cert", "verify", "min-version", "max-version");
        b.finish();
        return new UpstreamConfig.UpstreamTls(sni, insecure);
    }
}
