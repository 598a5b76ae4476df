package dev.sentinel.server.config.kdl;

import dev.sentinel.server.config.LimitsConfig;
import dev.sentinel.server.config.SystemConfig;

/** The flat blocks: {@code system} and {@code limits}. */
final class SimpleBlocks {
    private static final int MAX_INT = Integer.MAX_VALUE;

    private SimpleBlocks() {
    }

    static SystemConfig system(Block b) {
        b.expectShape(0);
        int workers = b.integer(new String[] {"worker-threads"}, SystemConfig.DEFAULT_WORKER_THREADS, 0, 1024);
        int maxConnections = b.integer(new String[] {"max-connections"}, SystemConfig.DEFAULT_MAX_CONNECTIONS,
                1, MAX_INT);
        var graceful = b.seconds(new String[] {"graceful-shutdown-timeout-secs"},
                SystemConfig.DEFAULT_GRACEFUL_SHUTDOWN, 0);
        boolean securityHeaders = b.bool("security-headers", SystemConfig.DEFAULT_SECURITY_HEADERS);
        boolean autoReload = b.bool("auto-reload", SystemConfig.DEFAULT_AUTO_RELOAD);
        b.notYetSupported("daemon", "pid-file", "user", "group", "working-directory", "trace-id-format",
                "route-cache-size");
        b.finish();
        return new SystemConfig(workers, maxConnections, graceful, securityHeaders, autoReload);
    }

    static LimitsConfig limits(Block b) {
        b.expectShape(0);
        int headerCount = b.integer(new String[] {"max-header-count"}, LimitsConfig.DEFAULT_MAX_HEADER_COUNT,
                1, 10_000);
        int headerSize = b.integer(new String[] {"max-header-size-bytes", "max-header-size"},
                LimitsConfig.DEFAULT_MAX_HEADER_SIZE_BYTES, 1024, 1024 * 1024);
        KdlNode bodyNode = b.child("max-body-size-bytes", "max-body-size");
        Long body = bodyNode == null ? null : b.bytes(bodyNode);
        int perClient = b.integer(new String[] {"max-connections-per-client"},
                LimitsConfig.DEFAULT_MAX_CONNECTIONS_PER_CLIENT, 1, MAX_INT);
        int minBodyRate = b.integer(new String[] {"min-request-body-rate-bytes-per-sec"},
                LimitsConfig.DEFAULT_MIN_REQUEST_BODY_RATE_BYTES_PER_SEC, 1, MAX_INT);
        b.notYetSupported("max-header-name-bytes", "max-header-value-bytes", "max-body-buffer-bytes",
                "max-body-inspection-bytes", "max-decompression-ratio", "max-decompressed-size-bytes",
                "max-connections-per-route", "max-total-connections",
                "max-idle-connections-per-upstream", "max-in-flight-requests", "max-in-flight-requests-per-worker",
                "max-queued-requests", "max-agent-queue-depth", "max-agent-body-bytes", "max-agent-response-bytes",
                "max-requests-per-second-global", "max-requests-per-second-per-client");
        b.finish();
        return new LimitsConfig(headerCount, headerSize, body == null ? LimitsConfig.DEFAULT_MAX_BODY_SIZE_BYTES : body,
                perClient, minBodyRate);
    }
}
