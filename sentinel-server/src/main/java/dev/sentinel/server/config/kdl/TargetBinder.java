package dev.sentinel.server.config.kdl;

import dev.sentinel.spi.Target;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An upstream's targets, in every form Zentinel reads:
 * <pre>
 * target "10.0.0.1:8080" weight=2                 // address as the argument
 * target address="10.0.0.1:8080" weight=2         // as properties
 * target { address "10.0.0.1:8080"; weight 2 }    // as children
 * targets { target "10.0.0.1:8080"; target … }    // any of the above, wrapped
 * address "10.0.0.1:8080"                         // one target, on the upstream itself
 * </pre>
 * Unlike Zentinel, anything else inside a target (a misspelt key, a weight attached to the wrong node) is
 * an error, never silently dropped.
 */
final class TargetBinder {
    private TargetBinder() {
    }

    /** The targets of {@code upstream}, each address once; errors reported, offending targets left out. */
    static List<Target> bind(Block upstream) {
        List<KdlNode> nodes = new ArrayList<>(upstream.children("target"));
        for (KdlNode wrapper : upstream.children("targets")) {
            if (!wrapper.arguments().isEmpty() || !wrapper.properties().isEmpty()) {
                upstream.diagnostics().error(wrapper.location(), "'targets' takes a block of target nodes only");
            }
            for (KdlNode child : wrapper.children()) {
                if (child.name().equals("target")) {
                    nodes.add(child);
                } else {
                    upstream.diagnostics().error(child.location(), "unknown key '" + child.name()
                            + "' in 'targets'; accepted keys: target");
                }
            }
        }
        KdlNode shorthand = upstream.child("address");
        if (shorthand != null) {
            if (nodes.isEmpty()) {
                nodes.add(shorthand);
            } else {
                upstream.diagnostics().error(shorthand.location(), "'address' on " + upstream.label()
                        + " is the one-target shorthand; with 'target' nodes, list this address as a target too");
            }
        }
        List<Target> targets = new ArrayList<>();
        Map<String, KdlNode> addresses = new HashMap<>();
        for (KdlNode node : nodes) {
            Target target = node == shorthand ? shorthand(upstream, node) : target(upstream, node);
            if (target == null) {
                continue;
            }
            // Balancers keep state per target: one address listed twice would be one target counted twice.
            KdlNode first = addresses.putIfAbsent(target.address(), node);
            if (first != null) {
                upstream.diagnostics().error(node.location(), "target \"" + target.address() + "\" is listed twice in "
                        + upstream.label() + " (first at line " + first.location().line() + "); give it a weight instead");
            } else {
                targets.add(target);
            }
        }
        if (nodes.isEmpty()) {
            upstream.diagnostics().error(upstream.node().location(), upstream.label() + " needs at least one target, e.g. "
                    + "target \"127.0.0.1:8081\"");
        }
        return targets;
    }

    private static Target shorthand(Block upstream, KdlNode node) {
        if (node.arguments().size() != 1 || !(node.arguments().getFirst() instanceof KdlValue.Str address)
                || !node.properties().isEmpty() || !node.children().isEmpty()) {
            upstream.diagnostics().error(node.location(), "'address' takes \"host:port\"");
            return null;
        }
        return target(upstream, address, null);
    }

    private static Target target(Block upstream, KdlNode node) {
        Block b = new Block(node, "target", upstream.diagnostics());
        KdlValue address = null;
        KdlValue weight = node.properties().get("weight");
        if (node.arguments().size() == 1) {
            address = node.arguments().getFirst();
        } else if (!node.arguments().isEmpty()) {
            b.diagnostics().error(node.location(), "'target' takes one \"host:port\"");
            return null;
        }
        for (String property : node.properties().keySet()) {
            if (property.equals("address") && address == null) {
                address = node.properties().get("address");
            } else if (!property.equals("weight")) {
                b.diagnostics().error(node.properties().get(property).location(), "unknown property '" + property
                        + "' on 'target'; accepted: address, weight");
                return null;
            }
        }
        KdlNode addressChild = b.child("address");
        KdlNode weightChild = b.child("weight");
        b.finish();
        if (addressChild != null) {
            address = address == null ? b.scalar(addressChild) : conflict(b, addressChild, "address");
        }
        if (weightChild != null) {
            weight = weight == null ? b.scalar(weightChild) : conflict(b, weightChild, "weight");
        }
        if (!(address instanceof KdlValue.Str text)) {
            if (address != null || (addressChild == null && node.arguments().isEmpty())) {
                b.diagnostics().error(node.location(), "'target' needs its \"host:port\": target \"10.0.0.1:8080\","
                        + " target address=\"…\", or target { address \"…\" }");
            }
            return null;
        }
        return target(b, text, weight);
    }

    private static KdlValue conflict(Block b, KdlNode child, String key) {
        b.diagnostics().error(child.location(), "the target gives its " + key + " twice");
        return null;
    }

    private static Target target(Block b, KdlValue.Str address, KdlValue weightValue) {
        HostPort hostPort = HostPort.parse(address.value());
        if (hostPort == null) {
            b.diagnostics().error(address.location(), "target is not host:port: \"" + address.value() + "\"");
            return null;
        }
        Long weight = weightValue == null ? Long.valueOf(1) : b.integer("weight", weightValue, 1, 10_000);
        return weight == null ? null : new Target(hostPort.host(), hostPort.port(), weight.intValue());
    }
}
