package dev.sentinel.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sentinel.tests.support.Backend;
import dev.sentinel.tests.support.Ports;
import dev.sentinel.tests.support.Sentinel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
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

    private static Backend backend;
    private static Sentinel sentinel;
    private static int port;
    private static int metricsPort;

    @BeforeAll
    static void start() throws Exception {
        backend = Backend.echo();
        port = Ports.free();
        metricsPort = Ports.free();
        sentinel = Sentinel.start("""
                system { worker-threads 1 }
                listeners { listener "main" { address "127.0.0.1:%d"; protocol "http" } }
                routes {
                  route "metrics" { priority "critical"; matches { path "/metrics" }; builtin-handler "metrics" }
                  route "api" { matches { path-prefix "/api" }; upstream "be" }
                  route "down" { matches { path-prefix "/down" }; upstream "down" }
                }
                upstreams {
                  upstream "be" { target "%s" }
                  upstream "down" { target "127.0.0.1:%d" }
                }
                observability { metrics { address "127.0.0.1:%d"; path "/prom" } }
                """.formatted(port, backend.address(), Ports.free(), metricsPort));
    }

    @AfterAll
    static void stop() throws Exception {
        if (sentinel != null) {
            sentinel.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void requestsAreCountedByRouteMethodAndStatus() throws Exception {
        double before = value(scrape(), API_200);
        for (int i = 0; i < 3; i++) {
            assertEquals(200, send("GET", port, "/api/count/" + i).statusCode());
        }
        awaitValue(API_200, before + 3);
    }

    @Test
    void durationHistogramCountsEveryRequestOfTheRoute() throws Exception {
        double before = value(scrape(), API_DURATION_COUNT);
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
        double posts = value(text, post);
        double others = value(text, other);
        send("POST", port, "/api/post");
        send("PURGE", port, "/api/purge");
        awaitValue(post, posts + 1);
        awaitValue(other, others + 1);
    }

    @Test
    void unmatchedRequestCountsUnderRouteNone() throws Exception {
        String series = "sentinel_requests_total{method=\"GET\",route=\"none\",status=\"404\"}";
        double before = value(scrape(), series);
        assertEquals(404, send("GET", port, "/no/such/route").statusCode());
        awaitValue(series, before + 1);
    }

    @Test
    void upstreamFailuresAreCountedWithTheStatusTheClientGot() throws Exception {
        String series = "sentinel_requests_total{method=\"GET\",route=\"down\",status=\"502\"}";
        double before = value(scrape(), series);
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
        double before = value(scrape(), API_200);
        send("GET", port, "/api/dedicated");
        String viaRoute = awaitValue(API_200, before + 1);
        HttpResponse<String> dedicated = send("GET", metricsPort, "/prom");
        assertEquals(200, dedicated.statusCode());
        assertTrue(dedicated.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        assertEquals(value(viaRoute, API_200), value(dedicated.body(), API_200), dedicated.body());
        assertEquals(value(viaRoute, API_DURATION_COUNT), value(dedicated.body(), API_DURATION_COUNT));
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

    private static HttpResponse<String> send(String method, int listenerPort, String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + listenerPort + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String scrape() throws Exception {
        HttpResponse<String> response = send("GET", port, "/metrics");
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    /** A series' value in the text format, 0 when it is absent. */
    private static double value(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    /** Scrapes until {@code series} equals {@code expected} (a request is counted as it completes). */
    private static String awaitValue(String series, double expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        String text = scrape();
        while (value(text, series) != expected) {
            if (value(text, series) > expected || System.nanoTime() > deadline) {
                fail(series + " is " + value(text, series) + ", expected " + expected + ":\n" + text);
            }
            text = scrape();
        }
        return text;
    }
}
