package dev.sentinel.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sentinel.tests.support.Backend;
import dev.sentinel.tests.support.Metrics;
import dev.sentinel.tests.support.Ports;
import dev.sentinel.tests.support.Sentinel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus metrics, read the way a scraper reads them: through the {@code metrics} builtin route
 * and through the dedicated metrics listener. Counters are shared by the whole class, so each test
 * reads them before and after its own traffic and checks the difference.
 */
class MetricsTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String API_200 = "sentinel_requests_total{method=\"GET\",route=\"api\",status=\"200\"}";
    private static final String API_DURATION_COUNT = "sentinel_request_duration_seconds_count{route=\"api\"}";

    /** Larger than the servlet output buffer, so part of it must reach the client before the cut. */
    private static final int CUT_SENT = 200_000;
    private static final int CUT_DECLARED = 2 * CUT_SENT;

    @AutoClose
    private static Backend backend;
    /** Holds each request until the test releases it, so it can be seen in flight. */
    @AutoClose
    private static Backend gated;
    private static final Semaphore GATE = new Semaphore(0);
    /** Released once the client has read the first part of the response that is then cut short. */
    private static final Semaphore CUT = new Semaphore(0);
    /** Streams a chunked answer, or cuts one short, depending on the path. */
    @AutoClose
    private static Backend streaming;
    /** Reached by one test only, so its first request must open a connection. */
    @AutoClose
    private static Backend fresh;
    @AutoClose
    private static Sentinel sentinel;
    private static int port;
    private static int metricsPort;

    @BeforeAll
    static void start() throws Exception {
        backend = Backend.echo();
        gated = Backend.start((r, response, callback) -> {
            GATE.acquire();
            Backend.text(response, callback, 200, "released");
        });
        streaming = Backend.start(MetricsTest::stream);
        fresh = Backend.echo();
        port = Ports.free();
        metricsPort = Ports.free();
        sentinel = Sentinel.start("""
                system { worker-threads 1 }
                listeners { listener "main" { address "127.0.0.1:%d"; protocol "http" } }
                routes {
                  route "metrics" { priority "critical"; matches { path "/metrics" }; builtin-handler "metrics" }
                  route "api" { matches { path-prefix "/api" }; upstream "be" }
                  route "down" { matches { path-prefix "/down" }; upstream "down" }
                  route "gated" { matches { path-prefix "/gated" }; upstream "gated" }
                  route "stream" { matches { path-prefix "/stream" }; upstream "streaming" }
                  route "fresh" { matches { path-prefix "/fresh" }; upstream "fresh" }
                }
                upstreams {
                  upstream "be" { target "%s" }
                  upstream "down" { target "127.0.0.1:%d" }
                  upstream "gated" { target "%s" }
                  upstream "streaming" { target "%s" }
                  upstream "fresh" { target "%s" }
                }
                observability { metrics { address "127.0.0.1:%d"; path "/prom" } }
                """.formatted(port, backend.address(), Ports.free(), gated.address(), streaming.address(),
                fresh.address(), metricsPort));
    }

    /** {@code /stream/chunked}: two chunks, no Content-Length; {@code /stream/cut}: declares more than it sends. */
    private static void stream(Backend.Received received, org.eclipse.jetty.server.Response response,
                               Callback callback) {
        response.setStatus(200);
        if (received.uri().startsWith("/stream/cut")) {
            response.getHeaders().put("Content-Length", Integer.toString(CUT_DECLARED));
            response.write(false, ByteBuffer.wrap(new byte[CUT_SENT]), Callback.from(() -> Thread.ofVirtual().start(() -> {
                CUT.acquireUninterruptibly();
                callback.failed(new IOException("cut short on purpose"));
            }), callback::failed));
        } else {
            response.write(false, ByteBuffer.wrap("first-chunk;".getBytes(StandardCharsets.US_ASCII)),
                    Callback.from(() -> response.write(true,
                            ByteBuffer.wrap("second-chunk".getBytes(StandardCharsets.US_ASCII)), callback),
                            callback::failed));
        }
    }

    @Test
    void requestsAreCountedByRouteMethodAndStatus() throws Exception {
        double before = Metrics.value(scrape(), API_200);
        for (int i = 0; i < 3; i++) {
            assertEquals(200, send("GET", port, "/api/count/" + i).statusCode());
        }
        awaitValue(API_200, before + 3);
    }

    @Test
    void durationHistogramCountsEveryRequestOfTheRoute() throws Exception {
        double before = Metrics.value(scrape(), API_DURATION_COUNT);
        for (int i = 0; i < 4; i++) {
            send(i % 2 == 0 ? "GET" : "POST", port, "/api/timed/" + i);
        }
        String text = awaitValue(API_DURATION_COUNT, before + 4);
        assertTrue(text.contains("sentinel_request_duration_seconds_bucket{route=\"api\",le=\"+Inf\"}"), text);
        assertTrue(text.contains("sentinel_request_duration_seconds_sum{route=\"api\"}"), text);
    }

    @Test
    void otherStatusesAndMethodsHaveTheirOwnSeries() throws Exception {
        String post = "sentinel_requests_total{method=\"POST\",route=\"api\",status=\"200\"}";
        String other = "sentinel_requests_total{method=\"OTHER\",route=\"api\",status=\"200\"}";
        String text = scrape();
        double posts = Metrics.value(text, post);
        double others = Metrics.value(text, other);
        send("POST", port, "/api/post");
        send("PURGE", port, "/api/purge");
        awaitValue(post, posts + 1);
        awaitValue(other, others + 1);
    }

    @Test
    void unmatchedRequestCountsUnderRouteNone() throws Exception {
        String series = "sentinel_requests_total{method=\"GET\",route=\"none\",status=\"404\"}";
        double before = Metrics.value(scrape(), series);
        assertEquals(404, send("GET", port, "/no/such/route").statusCode());
        awaitValue(series, before + 1);
    }

    @Test
    void upstreamFailuresAreCountedWithTheStatusTheClientGot() throws Exception {
        String series = "sentinel_requests_total{method=\"GET\",route=\"down\",status=\"502\"}";
        double before = Metrics.value(scrape(), series);
        assertEquals(502, send("GET", port, "/down/x").statusCode());
        awaitValue(series, before + 1);
    }

    @Test
    void jvmAndProcessMetricsAreExportedBesideSentinelsOwn() throws Exception {
        String text = scrape();
        assertTrue(text.contains("jvm_memory_used_bytes{area=\"heap\"}"), text);
        assertTrue(text.contains("process_cpu_seconds_total"), text);
    }

    @Test
    void metricsRouteServesThePrometheusTextFormat() throws Exception {
        HttpResponse<String> response = send("GET", port, "/metrics");
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"),
                response.headers().toString());
        assertTrue(response.body().contains("# TYPE sentinel_requests_total counter"), response.body());
        assertTrue(response.body().contains("# TYPE sentinel_request_duration_seconds histogram"), response.body());
    }

    @Test
    void dedicatedListenerServesTheSameMetricsAtItsPath() throws Exception {
        double before = Metrics.value(scrape(), API_200);
        send("GET", port, "/api/dedicated");
        String viaRoute = awaitValue(API_200, before + 1);
        HttpResponse<String> dedicated = send("GET", metricsPort, "/prom");
        assertEquals(200, dedicated.statusCode());
        assertTrue(dedicated.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        assertEquals(Metrics.value(viaRoute, API_200), Metrics.value(dedicated.body(), API_200), dedicated.body());
        assertEquals(Metrics.value(viaRoute, API_DURATION_COUNT), Metrics.value(dedicated.body(), API_DURATION_COUNT));
    }

    @Test
    void dedicatedListenerAnswers404ElsewhereAndNeverProxies() throws Exception {
        while (backend.receivedCount() > 0) {
            backend.take(); // records of earlier tests
        }
        assertEquals(404, send("GET", metricsPort, "/metrics").statusCode());
        assertEquals(404, send("GET", metricsPort, "/prom/x").statusCode());
        HttpResponse<String> api = send("GET", metricsPort, "/api/not-here");
        assertEquals(404, api.statusCode());
        assertTrue(api.body().contains("\"status\":404"), api.body());
        backend.assertNothingReceived(Duration.ofMillis(500));
    }

    @Test
    void activeRequestsRiseWhileARequestIsInFlightAndFallWhenItCompletes() throws Exception {
        String series = "sentinel_active_requests{route=\"gated\"}";
        CompletableFuture<HttpResponse<String>> inFlight = CLIENT.sendAsync(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/gated/1")).build(),
                HttpResponse.BodyHandlers.ofString());
        awaitValue(series, 1);
        GATE.release();
        assertEquals(200, inFlight.get().statusCode());
        awaitValue(series, 0);
    }

    @Test
    void bodyBytesAreCountedBothWaysEvenWhenStreamed() throws Exception {
        String in = "sentinel_request_body_bytes_total{route=\"api\"}";
        String out = "sentinel_response_body_bytes_total{route=\"api\"}";
        String text = scrape();
        double inBefore = Metrics.value(text, in);
        double outBefore = Metrics.value(text, out);
        byte[] body = "x".repeat(3000).getBytes(StandardCharsets.US_ASCII);
        HttpResponse<String> fixed = CLIENT.send(HttpRequest.newBuilder(uri("/api/bytes"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        // ofInputStream has no length: the client sends the body chunked.
        HttpResponse<String> chunked = CLIENT.send(HttpRequest.newBuilder(uri("/api/bytes"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, fixed.statusCode());
        assertEquals(200, chunked.statusCode());
        awaitValue(in, inBefore + 2 * body.length);
        awaitValue(out, outBefore + fixed.body().length() + chunked.body().length());
    }

    @Test
    void aStreamedResponseCountsItsBytesAndACutShortOneCountsWhatWasSent() throws Exception {
        String out = "sentinel_response_body_bytes_total{route=\"stream\"}";
        double before = Metrics.value(scrape(), out);
        HttpResponse<String> chunked = send("GET", port, "/stream/chunked");
        assertEquals("first-chunk;second-chunk", chunked.body());
        awaitValue(out, before + chunked.body().length());
        HttpResponse<java.io.InputStream> cut = CLIENT.send(HttpRequest.newBuilder(uri("/stream/cut")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        long received = 0;
        try (java.io.InputStream body = cut.body()) {
            byte[] buffer = new byte[8192];
            received = body.read(buffer);
            CUT.release();
            IOException cutShort = assertThrows(IOException.class, () -> {
                while (true) {
                    int n = body.read(buffer);
                    if (n < 0) {
                        return;
                    }
                }
            });
            assertTrue(received > 0, cutShort.toString());
        }
        String text = awaitAtLeast(out, before + chunked.body().length() + received);
        double counted = Metrics.value(text, out) - before - chunked.body().length();
        assertTrue(counted <= CUT_SENT, "counted " + counted + " bytes of a response cut after " + CUT_SENT);
    }

    @Test
    void upstreamAttemptsAreCountedAndKeepAliveConnectionsAreReused() throws Exception {
        String attempts = "sentinel_upstream_attempts_total{upstream=\"be\"}";
        String opened = "sentinel_upstream_connections_opened_total{upstream=\"be\"}";
        String text = scrape();
        double attemptsBefore = Metrics.value(text, attempts);
        double openedBefore = Metrics.value(text, opened);
        for (int i = 0; i < 5; i++) {
            assertEquals(200, send("GET", port, "/api/reuse/" + i).statusCode());
        }
        text = awaitValue(attempts, attemptsBefore + 5);
        // One at most (when no pooled connection was left from earlier tests); the others reuse it.
        assertTrue(Metrics.value(text, opened) - openedBefore <= 1, text);
        assertEquals(Metrics.value(text, opened), Metrics.value(text, "sentinel_upstream_connect_duration_seconds_count{upstream=\"be\"}"),
                "every connection opened is timed:\n" + text);
    }

    @Test
    void aNewConnectionIsCountedAndItsConnectTimed() throws Exception {
        assertEquals(200, send("GET", port, "/fresh/1").statusCode());
        String text = awaitValue("sentinel_upstream_connections_opened_total{upstream=\"fresh\"}", 1);
        assertEquals(1, Metrics.value(text, "sentinel_upstream_connect_duration_seconds_count{upstream=\"fresh\"}"), text);
        assertTrue(Metrics.value(text, "sentinel_upstream_connect_duration_seconds_sum{upstream=\"fresh\"}") > 0, text);
        assertEquals(1, Metrics.value(text, "sentinel_upstream_attempts_total{upstream=\"fresh\"}"), text);
    }

    @Test
    void aRefusedConnectionCountsAsAnUpstreamFailure() throws Exception {
        String series = "sentinel_upstream_failures_total{reason=\"connect_failure\",upstream=\"down\"}";
        double before = Metrics.value(scrape(), series);
        assertEquals(502, send("GET", port, "/down/refused").statusCode());
        awaitValue(series, before + 1);
    }

    @Test
    void requestsWithABodyRecordHowLongItWaitedOnTheUpstream() throws Exception {
        String count = "sentinel_upstream_write_pending_seconds_count{upstream=\"be\"}";
        double before = Metrics.value(scrape(), count);
        CLIENT.send(HttpRequest.newBuilder(uri("/api/pending")).POST(HttpRequest.BodyPublishers.ofString("payload"))
                .build(), HttpResponse.BodyHandlers.ofString());
        String text = awaitValue(count, before + 1);
        assertTrue(text.contains("sentinel_upstream_write_pending_seconds_bucket{upstream=\"be\",le=\"0.001\"}"), text);
        assertTrue(text.contains("sentinel_upstream_write_pending_seconds_bucket{upstream=\"be\",le=\"10.0\"}"), text);
        // A request without a body has nothing to wait for and is not observed.
        double gets = Metrics.value(text, API_200);
        send("GET", port, "/api/no-body");
        assertEquals(before + 1, Metrics.value(awaitValue(API_200, gets + 1), count));
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static HttpResponse<String> send(String method, int listenerPort, String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + listenerPort + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String scrape() throws Exception {
        HttpResponse<String> response = send("GET", port, "/metrics");
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    /** Scrapes until {@code series} is at least {@code minimum}. */
    private static String awaitAtLeast(String series, double minimum) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        String text = scrape();
        while (Metrics.value(text, series) < minimum) {
            if (System.nanoTime() > deadline) {
                fail(series + " is " + Metrics.value(text, series) + ", expected at least " + minimum + ":\n" + text);
            }
            text = scrape();
        }
        return text;
    }

    /** Scrapes until {@code series} equals {@code expected} (a request is counted as it completes). */
    private static String awaitValue(String series, double expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        String text = scrape();
        while (Metrics.value(text, series) != expected) {
            if (Metrics.value(text, series) > expected || System.nanoTime() > deadline) {
                fail(series + " is " + Metrics.value(text, series) + ", expected " + expected + ":\n" + text);
            }
            text = scrape();
        }
        return text;
    }
}
