package dev.sentinel.server.config.kdl;

import dev.sentinel.server.config.ObservabilityConfig;
import dev.sentinel.server.config.ObservabilityConfig.AccessLog;
import dev.sentinel.server.config.ObservabilityConfig.MetricsEndpoint;
import java.nio.file.Path;

/** {@code observability { metrics { } logging { access-log { } } }}. */
final class ObservabilityBinder {
    private ObservabilityBinder() {
    }

    static ObservabilityConfig bind(Block b) {
        b.expectShape(0);
        KdlNode metricsNode = b.child("metrics");
        KdlNode loggingNode = b.child("logging");
        b.notYetSupported("tracing");
        b.finish();
        MetricsEndpoint metrics = metricsNode == null ? null
                : metrics(new Block(metricsNode, "observability metrics", b.diagnostics()));
        AccessLog accessLog = loggingNode == null ? null
                : logging(new Block(loggingNode, "observability logging", b.diagnostics()));
        return new ObservabilityConfig(metrics, accessLog);
    }

    private static MetricsEndpoint metrics(Block m) {
        m.expectShape(0);
        boolean enabled = m.bool("enabled", true);
        KdlNode addressNode = m.child("address");
        String path = m.string("path", MetricsEndpoint.DEFAULT_PATH);
        m.notYetSupported("high-cardinality");
        m.finish();
        if (!path.startsWith("/")) {
            m.diagnostics().error(m.node().location(), "metrics path must start with '/': " + path);
        }
        if (!enabled || addressNode == null) {
            return null;
        }
        HostPort address = HostPort.parse(m, addressNode);
        return address == null ? null : new MetricsEndpoint(address.host(), address.port(), path);
    }

    /** Only the access log is bound today; the application log is configured in etc/jetty-logging.properties. */
    private static AccessLog logging(Block l) {
        l.expectShape(0);
        KdlNode accessNode = l.child("access-log");
        l.notYetSupported("level", "format", "timestamps", "error-log", "audit-log");
        l.finish();
        if (accessNode == null) {
            return null;
        }
        Block a = new Block(accessNode, "observability logging access-log", l.diagnostics());
        a.expectShape(0);
        boolean enabled = a.bool("enabled", true);
        String file = a.string("file", null);
        String format = a.string("format", "json");
        int buffer = a.integer(new String[] {"buffer-size"}, AccessLog.DEFAULT_BUFFER_BYTES, 512, 1 << 24);
        boolean traceId = a.bool("include-trace-id", true);
        a.finish();
        if (!format.equals("json")) {
            a.diagnostics().error(accessNode.location(), "access-log format \"" + format
                    + "\" is not supported yet by Sentinel; accepted: json");
        }
        return enabled ? new AccessLog(file == null || file.equals("-") ? null : Path.of(file), buffer, traceId) : null;
    }
}
