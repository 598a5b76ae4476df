package dev.sentinel.server.config.kdl;

import dev.sentinel.server.config.ListenerConfig;
import dev.sentinel.server.config.ListenerConfig.Protocol;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code listeners { listener "id" { ... } }}. */
final class ListenerBinder {

    /** The listeners, and where each default-route was written (for reference errors). */
    record Bound(List<ListenerConfig> listeners, Map<String, KdlLocation> defaultRouteLocations) {
        static final Bound EMPTY = new Bound(List.of(), Map.of());
    }

    private ListenerBinder() {
    }

    static Bound bind(Block listeners) {
        listeners.expectShape(0);
        List<ListenerConfig> bound = new ArrayList<>();
        Map<String, KdlLocation> defaultRoutes = new HashMap<>();
        Map<String, KdlLocation> seenAddresses = new HashMap<>();
        for (KdlNode node : listeners.children("listener")) {
            String id = Ids.of(listeners, node, "listener");
            if (id == null) {
                continue;
            }
            ListenerConfig listener = listener(new Block(node, "listener \"" + id + "\"", listeners.diagnostics()), id);
            if (listener == null) {
                continue;
            }
            KdlLocation previous = seenAddresses.putIfAbsent(listener.host() + ":" + listener.port(), node.location());
            if (previous != null) {
                listeners.diagnostics().error(node.location(), "listener '" + id + "' binds " + listener.host() + ":"
                        + listener.port() + ", already bound by the listener at line " + previous.line());
            }
            if (bound.stream().anyMatch(l -> l.id().equals(id))) {
                listeners.diagnostics().error(node.location(), "listener id '" + id + "' is used twice");
            }
            if (listener.defaultRoute() != null) {
                defaultRoutes.put(id, node.location());
            }
            bound.add(listener);
        }
        listeners.finish();
        return new Bound(bound, defaultRoutes);
    }

    private static ListenerConfig listener(Block b, String id) {
        b.expectShape(1);
        KdlNode addressNode = b.child("address");
        String protocolName = b.string("protocol", "http");
        KdlNode tlsNode = b.child("tls");
        var requestTimeout = b.seconds(new String[] {"request-timeout-secs"}, ListenerConfig.DEFAULT_REQUEST_TIMEOUT, 1);
        var keepalive = b.seconds(new String[] {"keepalive-timeout-secs"}, ListenerConfig.DEFAULT_KEEPALIVE_TIMEOUT, 1);
        int maxRequests = b.integer(new String[] {"keepalive-max-requests"},
                ListenerConfig.DEFAULT_KEEPALIVE_MAX_REQUESTS, 1, Integer.MAX_VALUE);
        int streams = b.integer(new String[] {"max-concurrent-streams"}, ListenerConfig.DEFAULT_MAX_CONCURRENT_STREAMS,
                1, 10_000);
        String defaultRoute = b.string("default-route", null);
        KdlNode ipFilterNode = b.child("ip-filter");
        b.notYetSupported("namespace");
        b.finish();

        Protocol protocol = switch (protocolName) {
            case "http" -> Protocol.HTTP;
            case "https" -> Protocol.HTTPS;
            case "h2" -> Protocol.H2;
            case "h3" -> {
                b.diagnostics().error(b.node().location(), "protocol \"h3\" is not supported yet by Sentinel");
                yield null;
            }
            default -> {
                b.diagnostics().error(b.node().location(), "unknown protocol \"" + protocolName
                        + "\" for listener '" + id + "'; accepted: http, https, h2");
                yield null;
            }
        };
        if (addressNode == null) {
            b.diagnostics().error(b.node().location(), "listener '" + id + "' needs an address, e.g. address \"0.0.0.0:8080\"");
            return null;
        }
        HostPort address = HostPort.parse(b, addressNode);
        ListenerConfig.TlsConfig tls = tlsNode == null ? null : tls(new Block(tlsNode, "listener \"" + id + "\" tls",
                b.diagnostics()));
        if (protocol == Protocol.HTTPS && tlsNode == null) {
            b.diagnostics().error(b.node().location(), "listener '" + id + "' speaks https and needs a tls { cert-file key-file } block");
        }
        if (protocol == Protocol.HTTP && tlsNode != null) {
            b.diagnostics().error(tlsNode.location(), "listener '" + id + "' has tls but protocol \"http\"; use \"https\" or \"h2\"");
        }
        ListenerConfig.IpFilter ipFilter = ipFilterNode == null ? ListenerConfig.IpFilter.ALLOW_ALL
                : ipFilter(new Block(ipFilterNode, "listener \"" + id + "\" ip-filter", b.diagnostics()));
        if (address == null || protocol == null) {
            return null;
        }
        return new ListenerConfig(id, address.host(), address.port(), protocol, tls, requestTimeout, keepalive,
                maxRequests, streams, defaultRoute, ipFilter);
    }

    /** Sentinel extension: {@code ip-filter { allow "10.0.0.0/8" "::1"; deny "10.1.0.0/16" }}. */
    private static ListenerConfig.IpFilter ipFilter(Block b) {
        b.expectShape(0);
        List<ListenerConfig.Cidr> allow = cidrs(b, b.children("allow"));
        List<ListenerConfig.Cidr> deny = cidrs(b, b.children("deny"));
        b.finish();
        return new ListenerConfig.IpFilter(allow, deny);
    }

    private static List<ListenerConfig.Cidr> cidrs(Block b, List<KdlNode> nodes) {
        List<ListenerConfig.Cidr> cidrs = new ArrayList<>();
        for (KdlNode node : nodes) {
            if (node.arguments().isEmpty() || !node.properties().isEmpty() || !node.children().isEmpty()) {
                b.diagnostics().error(node.location(), "'" + node.name() + "' takes one or more CIDR strings, e.g. "
                        + node.name() + " \"10.0.0.0/8\" \"2001:db8::/32\"");
                continue;
            }
            for (KdlValue value : node.arguments()) {
                if (!(value instanceof KdlValue.Str text)) {
                    b.diagnostics().error(value.location(), "'" + node.name() + "' takes CIDR strings");
                    continue;
                }
                try {
                    cidrs.add(ListenerConfig.Cidr.parse(text.value()));
                } catch (IllegalArgumentException e) {
                    b.diagnostics().error(value.location(), "bad CIDR in '" + node.name() + "': " + e.getMessage());
                }
            }
        }
        return cidrs;
    }

    private static ListenerConfig.TlsConfig tls(Block b) {
        b.expectShape(0);
        String cert = b.string("cert-file", null);
        String key = b.string("key-file", null);
        b.notYetSupported("acme", "ca-file", "min-version", "max-version", "client-auth", "ocsp-stapling",
                "session-resumption", "cipher-suites", "sni");
        b.finish();
        if (cert == null || key == null) {
            b.diagnostics().error(b.node().location(), "tls needs both cert-file and key-file");
            return null;
        }
        return new ListenerConfig.TlsConfig(Path.of(cert), Path.of(key));
    }
}
