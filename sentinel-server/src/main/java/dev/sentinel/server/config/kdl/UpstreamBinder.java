package dev.sentinel.server.config.kdl;

import dev.sentinel.server.config.UpstreamConfig;
import dev.sentinel.spi.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** {@code upstreams { upstream "id" { target ... } }}. */
final class UpstreamBinder {

    record Bound(Map<String, UpstreamConfig> upstreams) {
        static final Bound EMPTY = new Bound(Map.of());
    }

    /** Balancers Sentinel has today, by normalised name. */
    private static final Set<String> SUPPORTED_BALANCERS = Set.of("round_robin");
    /** Zentinel's other algorithm names (normalised), accepted by its parser. */
    private static final Set<String> PLANNED_BALANCERS = Set.of("least_connections", "weighted", "weighted_round_robin",
            "ip_hash", "random", "consistent_hash", "power_of_two_choices", "p2c", "adaptive", "least_tokens_queued",
            "maglev", "locality_aware", "peak_ewma", "deterministic_subset", "weighted_least_connections", "wlc", "sticky");

    private UpstreamBinder() {
    }

    static Bound bind(Block upstreams) {
        upstreams.expectShape(0);
        Map<String, UpstreamConfig> bound = new LinkedHashMap<>();
        for (KdlNode node : upstreams.children("upstream")) {
            String id = Ids.of(upstreams, node, "upstream");
            if (id == null) {
                continue;
            }
            UpstreamConfig upstream = upstream(new Block(node, "upstream \"" + id + "\"", upstreams.diagnostics()), id);
            if (upstream != null && bound.putIfAbsent(id, upstream) != null) {
                upstreams.diagnostics().error(node.location(), "upstream id '" + id + "' is used twice");
            }
        }
        upstreams.finish();
        return new Bound(bound);
    }

    private static UpstreamConfig upstream(Block b, String id) {
        b.expectShape(1);
        List<Target> targets = new ArrayList<>();
        List<KdlNode> targetNodes = b.children("target");
        for (KdlNode node : targetNodes) {
            Target target = target(b, node);
            if (target != null) {
                targets.add(target);
            }
        }
        KdlNode balancingNode = b.child("load-balancing");
        KdlNode timeoutsNode = b.child("timeouts");
        KdlNode tlsNode = b.child("tls");
        b.notYetSupported("health-check", "connection-pool", "circuit-breaker", "http-version", "sticky");
        b.finish();

        if (targetNodes.isEmpty()) {
            b.diagnostics().error(b.node().location(), "upstream '" + id
                    + "' needs at least one target, e.g. target \"127.0.0.1:8081\"");
        }
        String balancing = balancingNode == null ? UpstreamConfig.DEFAULT_LOAD_BALANCING : balancer(b, balancingNode);
        UpstreamConfig.Timeouts timeouts = timeoutsNode == null ? UpstreamConfig.Timeouts.defaults()
                : timeouts(new Block(timeoutsNode, b.label() + " timeouts", b.diagnostics()));
        UpstreamConfig.UpstreamTls tls = tlsNode == null ? null
                : tls(new Block(tlsNode, b.label() + " tls", b.diagnostics()));
        return targets.isEmpty() ? null : new UpstreamConfig(id, targets, balancing, timeouts, tls);
    }

    private static Target target(Block b, KdlNode node) {
        boolean shapeOk = node.arguments().size() == 1 && node.arguments().getFirst() instanceof KdlValue.Str
                && node.children().isEmpty() && node.properties().keySet().stream().allMatch("weight"::equals);
        if (!shapeOk) {
            b.diagnostics().error(node.location(), "'target' takes \"host:port\" and an optional weight=N");
            return null;
        }
        KdlValue.Str address = (KdlValue.Str) node.arguments().getFirst();
        HostPort hostPort = HostPort.parse(address.value());
        if (hostPort == null) {
            b.diagnostics().error(address.location(), "target is not host:port: \"" + address.value() + "\"");
            return null;
        }
        KdlValue weightValue = node.properties().get("weight");
        Long weight = weightValue == null ? Long.valueOf(1) : b.integer("weight", weightValue, 1, 10_000);
        return weight == null ? null : new Target(hostPort.host(), hostPort.port(), weight.intValue());
    }

    /** Accepts hyphens and underscores alike; refuses names it does not know. */
    private static String balancer(Block b, KdlNode node) {
        String name = b.string(node);
        if (name == null) {
            return UpstreamConfig.DEFAULT_LOAD_BALANCING;
        }
        String normalised = name.toLowerCase(Locale.ROOT).replace('-', '_');
        if (normalised.equals("roundrobin")) {
            normalised = "round_robin";
        }
        if (!SUPPORTED_BALANCERS.contains(normalised)) {
            String why = PLANNED_BALANCERS.contains(normalised) ? " is not supported yet by Sentinel"
                    : " is unknown; accepted: " + String.join(", ", SUPPORTED_BALANCERS);
            b.diagnostics().error(node.arguments().getFirst().location(), "load-balancing \"" + name + "\"" + why);
        }
        if (!node.children().isEmpty()) {
            b.diagnostics().error(node.location(), "load-balancing \"" + name + "\" takes no block");
        }
        return normalised;
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
