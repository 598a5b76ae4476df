package dev.sentinel.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.tests.support.Dist;
import dev.sentinel.tests.support.Sentinel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code bin/sentinel.sh run} without {@code -c}: the shipped {@code etc/sentinel.kdl} on :8080 and :9090. */
class DefaultConfigTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    @AutoClose
    private static Sentinel sentinel;

    @BeforeAll
    static void startWithTheDefaultConfig() throws Exception {
        Assumptions.assumeTrue(free(8080) && free(9090), "ports 8080 and 9090 must be free for the default config");
        sentinel = Sentinel.start(Dist.home(), Dist.home().resolve("etc/sentinel.kdl"), "run");
    }

    @Test
    void startsFromTheShippedConfigFile() {
        assertTrue(sentinel.output().contains("started: 2 listener(s), 3 route(s), 0 upstream(s) from "
                + Dist.home().resolve("etc/sentinel.kdl")), sentinel.output());
    }

    @Test
    void port8080AnswersTheJsonStatusPage() throws Exception {
        HttpResponse<String> response = get("http://127.0.0.1:8080/");
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                response.headers().map().toString());
        assertTrue(response.body().contains("\"status\":\"ok\""), response.body());

        HttpResponse<String> anyPath = get("http://127.0.0.1:8080/some/page?x=1");
        assertEquals(200, anyPath.statusCode(), "the status route matches every path");
        assertTrue(anyPath.body().contains("\"status\":\"ok\""), anyPath.body());
    }

    @Test
    void port9090AnswersHealthOnEveryHealthPath() throws Exception {
        for (String path : new String[] {"/health", "/healthz", "/ready"}) {
            HttpResponse<String> response = get("http://127.0.0.1:9090" + path);
            assertEquals(200, response.statusCode(), path);
            assertEquals("{\"status\":\"healthy\"}", response.body().strip(), path);
        }
    }

    @Test
    void port9090ServesPrometheusMetricsCountingRequests() throws Exception {
        assertEquals(200, get("http://127.0.0.1:8080/counted").statusCode());
        HttpResponse<String> response = get("http://127.0.0.1:9090/metrics");
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"),
                response.headers().map().toString());
        assertTrue(response.body().contains("sentinel_requests_total"), response.body());
        assertTrue(response.body().lines().anyMatch(l -> l.startsWith("# TYPE sentinel_requests_total counter")
                || l.startsWith("# TYPE sentinel_requests counter")), "a Prometheus TYPE line:\n" + response.body());
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("0.0.0.0", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
