package dev.sentinel.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.tests.support.Backend;
import dev.sentinel.tests.support.Metrics;
import dev.sentinel.tests.support.Ports;
import dev.sentinel.tests.support.Sentinel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a kept-alive connection costs the proxy's heap once it has been reused. Jetty's HTTP/1.1 parser keeps,
 * by default, a cache of header fields per connection that it builds on the connection's second message:
 * about 100 KiB each, which at the default {@code max-connections} (10 000) would be a gigabyte of heap and an
 * out-of-memory exit. Sentinel turns that cache off on client and upstream connections alike.
 */
class ConnectionMemoryTest {
    private static final int CONNECTIONS = 200;
    /** About 5 KiB were measured per connection without the cache, about 105 KiB with it. */
    private static final long MAX_HEAP_BYTES_PER_CONNECTION = 20 * 1024;
    private static final String HEAP = "jvm_memory_used_bytes{area=\"heap\"}";
    private static final String REQUEST = """
            GET /item HTTP/1.1\r
            Host: memory.test\r
            User-Agent: connection-memory-test\r
            Accept: text/plain\r
            \r
            """;

    @Test
    void aReusedKeepAliveConnectionCostsKilobytesOfHeapNotAHeaderCache() throws Exception {
        int port = Ports.free();
        // Cache-Control is one of the fields Jetty's cache keeps: the upstream side's parser would build one too.
        try (Backend backend = Backend.start((received, response, callback) -> {
            response.getHeaders().put("Cache-Control", "no-store");
            Backend.text(response, callback, 200, "item");
        }); Sentinel sentinel = Sentinel.start("""
                system { worker-threads 1 }
                listeners { listener "main" { address "127.0.0.1:%d" } }
                limits { max-connections-per-client %d }
                routes {
                  route "metrics" { priority "critical"; matches { path "/metrics" }; builtin-handler "metrics" }
                  route "api" { matches { path-prefix "/" }; upstream "be" }
                }
                upstreams { upstream "be" { target "%s" } }
                """.formatted(port, CONNECTIONS * 2, backend.address()))) {
            double before = heapAfterFullGc(sentinel, port);
            assertTrue(before > 0, "no " + HEAP + " in the metrics");
            List<RawHttp1> connections = new ArrayList<>();
            try {
                for (int i = 0; i < CONNECTIONS; i++) {
                    connections.add(RawHttp1.open(port));
                }
                // All first requests, then all second ones: the upstream side is reused as well.
                for (int round = 0; round < 2; round++) {
                    for (RawHttp1 connection : connections) {
                        connection.send(REQUEST);
                    }
                    for (RawHttp1 connection : connections) {
                        assertEquals(200, connection.read().status());
                    }
                }
                double perConnection = (heapAfterFullGc(sentinel, port) - before) / CONNECTIONS;
                assertTrue(perConnection < MAX_HEAP_BYTES_PER_CONNECTION,
                        "heap per reused keep-alive connection: " + Math.round(perConnection) + " bytes");
            } finally {
                for (RawHttp1 connection : connections) {
                    connection.close();
                }
            }
        }
    }

    /**
     * Heap in use right after full collections ({@code jcmd PID GC.run}), as Sentinel's metrics report it. Two
     * of them: the first after start-up still left a few MB that the next one freed.
     */
    private static double heapAfterFullGc(Sentinel sentinel, int port) throws Exception {
        for (int i = 0; i < 2; i++) {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(sentinel.pid()), "GC.run").redirectErrorStream(true).start();
            String report = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, jcmd.waitFor(), report);
        }
        return Metrics.value(port, HEAP);
    }
}
