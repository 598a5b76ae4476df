package dev.sentinel.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.tests.support.Backend;
import dev.sentinel.tests.support.Metrics;
import dev.sentinel.tests.support.Ports;
import dev.sentinel.tests.support.Sentinel;
import java.io.IOException;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code keepalive-max-requests}: the N-th response on a connection says {@code Connection: close}, and the
 * connection ends.
 */
class KeepAliveLimitTest {
    private static final int MAX_REQUESTS = 3;
    private static final String HIT = "sentinel_connections_refused_total{reason=\"keepalive_max_requests\"}";

    @AutoClose
    private static Backend backend;
    @AutoClose
    private static Sentinel sentinel;
    private static int limited;
    private static int unlimited;

    @BeforeAll
    static void start() throws Exception {
        backend = Backend.echo();
        limited = Ports.free();
        unlimited = Ports.free();
        sentinel = Sentinel.start("""
                system { worker-threads 1 }
                listeners {
                  listener "limited" { address "127.0.0.1:%d"; keepalive-max-requests %d }
                  listener "default" { address "127.0.0.1:%d" }
                }
                routes {
                  route "metrics" { priority "critical"; matches { path "/metrics" }; builtin-handler "metrics" }
                  route "api" { matches { path-prefix "/" }; upstream "be" }
                }
                upstreams { upstream "be" { target "%s" } }
                """.formatted(limited, MAX_REQUESTS, unlimited, backend.address()));
    }

    @Test
    void theNthResponseCarriesConnectionCloseAndTheConnectionEnds() throws Exception {
        double before = metric(HIT);
        for (int round = 0; round < 2; round++) {
            try (RawHttp1 raw = RawHttp1.open(limited)) {
                for (int i = 1; i <= MAX_REQUESTS; i++) {
                    RawHttp1.Response response = raw.send(get("/round/" + round + "/" + i)).read();
                    assertEquals(200, response.status());
                    assertEquals("GET /round/" + round + "/" + i + " ", response.text());
                    String connection = response.header("Connection");
                    if (i < MAX_REQUESTS) {
                        assertNull(connection, "response " + i + " keeps the connection: " + headers(response));
                    } else {
                        assertEquals("close", connection, "response " + i + ": " + headers(response));
                    }
                }
                assertTrue(raw.closedByPeer(), "the connection is closed after the last response");
            }
        }
        assertEquals(before + 2, metric(HIT), "each connection that reached the limit is counted once");
    }

    @Test
    void pipelinedRequestsBeyondTheLimitAreNeverServed() throws Exception {
        try (RawHttp1 raw = RawHttp1.open(limited)) {
            StringBuilder pipeline = new StringBuilder();
            for (int i = 1; i <= MAX_REQUESTS + 2; i++) {
                pipeline.append(get("/pipelined/" + i));
            }
            raw.send(pipeline.toString());
            for (int i = 1; i <= MAX_REQUESTS; i++) {
                RawHttp1.Response response = raw.read();
                assertEquals("GET /pipelined/" + i + " ", response.text());
                assertEquals(i == MAX_REQUESTS ? "close" : null, response.header("Connection"));
            }
            assertTrue(raw.closedByPeer(), "requests after the limit get no response");
        }
    }

    @Test
    void withoutTheKeyAConnectionServesManyRequests() throws Exception {
        try (RawHttp1 raw = RawHttp1.open(unlimited)) {
            for (int i = 1; i <= 20; i++) {
                RawHttp1.Response response = raw.send(get("/many/" + i)).read();
                assertEquals(200, response.status());
                assertNull(response.header("Connection"), "request " + i + ": " + headers(response));
            }
        }
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: sentinel\r\n\r\n";
    }

    private static String headers(RawHttp1.Response response) {
        StringBuilder text = new StringBuilder();
        response.headers().forEach(h -> text.append(h[0]).append(": ").append(h[1]).append("; "));
        return text.toString();
    }

    /** The value of a series read through the metrics route, 0 when absent. */
    private static double metric(String series) throws IOException {
        try (RawHttp1 raw = RawHttp1.open(unlimited)) {
            String text = raw.send(get("/metrics")).read().text();
            return Metrics.value(text, series);
        }
    }
}
