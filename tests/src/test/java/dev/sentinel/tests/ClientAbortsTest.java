package dev.sentinel.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.tests.support.Backend;
import dev.sentinel.tests.support.Ports;
import dev.sentinel.tests.support.Sentinel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

/**
 * A client that goes away mid-response is the client's doing: it never counts against the upstream, so
 * impatient clients cannot get healthy targets ejected or breakers opened.
 */
class ClientAbortsTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void clientsHangingUpMidDownloadNeverEjectATarget() throws Exception {
        Backend.Responder endless = (received, response, callback) -> {
            response.setStatus(200);
            response.getHeaders().put("Content-Type", "application/octet-stream");
            // Streams until Sentinel gives up on it, which it does once its client is gone.
            try {
                for (int i = 0; i < 2000; i++) {
                    Callback.Completable written = new Callback.Completable();
                    response.write(false, ByteBuffer.allocate(64 * 1024), written);
                    written.get(10, TimeUnit.SECONDS);
                }
                response.write(true, ByteBuffer.allocate(0), callback);
            } catch (Exception gone) {
                callback.failed(gone);
            }
        };
        try (Backend a = Backend.start(endless); Backend b = Backend.start(endless)) {
            int port = Ports.free();
            int metricsPort = Ports.free();
            try (Sentinel sentinel = Sentinel.start("""
                    system { worker-threads 1 }
                    listeners { listener "main" { address "127.0.0.1:%d"; protocol "http" } }
                    routes {
                      route "files" {
                        matches { path-prefix "/" }; upstream "files"
                        circuit-breaker { failure-threshold 3 }
                      }
                    }
                    upstreams {
                      upstream "files" {
                        target "%s"; target "%s"
                        outlier-detection { consecutive-failures 2 }
                      }
                    }
                    observability { metrics { address "127.0.0.1:%d"; path "/metrics" } }
                    """.formatted(port, a.address(), b.address(), metricsPort))) {
                int downloads = 8;
                for (int i = 0; i < downloads; i++) {
                    try (RawHttp1 raw = RawHttp1.open(port)) {
                        raw.send("GET /big/" + i + " HTTP/1.1\r\nHost: t\r\n\r\n");
                        assertEquals(200, raw.readHead());
                    }
                }
                String metrics = awaitRequests(metricsPort, downloads);
                assertFalse(metrics.contains("change=\"ejected\""), metrics);
                assertFalse(Pattern.compile("sentinel_upstream_failures_total\\{[^}]*\\} [1-9]").matcher(metrics).find(),
                        metrics);
                assertFalse(metrics.contains("sentinel_route_breaker_changes_total{route=\"files\",state=\"open\"}"),
                        metrics);
            }
        }
    }

    /** The metrics once Sentinel has finished {@code count} requests of route {@code files}. */
    private static String awaitRequests(int metricsPort, int count) throws Exception {
        Pattern done = Pattern.compile("sentinel_requests_total\\{method=\"GET\",route=\"files\",status=\"\\d+\"\\} (\\d+)");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            String metrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            long finished = 0;
            for (Matcher m = done.matcher(metrics); m.find(); ) {
                finished += (long) Double.parseDouble(m.group(1));
            }
            if (finished >= count) {
                return metrics;
            }
            assertTrue(System.nanoTime() < deadline, "Sentinel did not finish the aborted downloads:\n" + metrics);
            Thread.sleep(50);
        }
    }
}
