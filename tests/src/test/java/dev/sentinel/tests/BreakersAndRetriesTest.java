package dev.sentinel.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.tests.support.AdminUpstreams;
import dev.sentinel.tests.support.Await;
import dev.sentinel.tests.support.Backend;
import dev.sentinel.tests.support.Ports;
import dev.sentinel.tests.support.Sentinel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Circuit breakers, passive ejection and retries on real traffic, against backends that fail, stall and
 * die mid-response.
 */
class BreakersAndRetriesTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final CountDownLatch RELEASE = new CountDownLatch(1);

    private static final AtomicInteger FLAKY_STATUS = new AtomicInteger(500);
    @AutoClose
    private static Backend flaky;
    @AutoClose
    private static Backend ok;
    @AutoClose
    private static Backend unavailable;
    @AutoClose
    private static Backend unavailable2;
    @AutoClose
    private static Backend stalled;
    @AutoClose
    private static Backend failingTarget;
    @AutoClose
    private static ServerSocket dying;
    @AutoClose
    private static Sentinel sentinel;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        flaky = Backend.start((r, response, callback) -> Backend.text(response, callback, FLAKY_STATUS.get(), "flaky"));
        ok = Backend.echo();
        unavailable = Backend.start((r, response, callback) -> Backend.text(response, callback, 503, "busy"));
        unavailable2 = Backend.start((r, response, callback) -> Backend.text(response, callback, 503, "busy"));
        stalled = Backend.start((r, response, callback) -> {
            RELEASE.await(20, TimeUnit.SECONDS);
            Backend.text(response, callback, 200, "late");
        });
        failingTarget = Backend.start((r, response, callback) -> Backend.text(response, callback, 500, "broken"));
        dying = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(BreakersAndRetriesTest::dieMidResponse);
        int dead = Ports.free();
        port = Ports.free();
        sentinel = Sentinel.start("""
                system { worker-threads 1 }
                listeners { listener "main" { address "127.0.0.1:%d"; protocol "http" } }
                routes {
                  route "admin" { matches { path "/admin/upstreams" }; builtin-handler "upstreams" }
                  route "metrics" { matches { path "/metrics" }; builtin-handler "metrics" }
                  route "cb" {
                    matches { path-prefix "/cb" }; upstream "flaky"
                    circuit-breaker { failure-threshold 3; success-threshold 2; timeout-seconds 2; half-open-max-requests 1 }
                  }
                  route "retry-dead" {
                    matches { path-prefix "/retry-dead" }; upstream "dead-and-ok"
                    retry-policy { max-attempts 2; backoff-base-ms 1 }
                  }
                  route "no-retry" { matches { path-prefix "/no-retry" }; upstream "dead-and-ok-2" }
                  route "sticky-retry-dead" {
                    matches { path-prefix "/sticky-retry-dead" }; upstream "sticky-dead-and-ok"
                    retry-policy { max-attempts 2; backoff-base-ms 1 }
                  }
                  route "sticky-retry-status" {
                    matches { path-prefix "/sticky-retry-status" }; upstream "sticky-busy-and-ok"
                    retry-policy { max-attempts 2; backoff-base-ms 1; retryable-status-codes 503 }
                  }
                  route "retry-status" {
                    matches { path-prefix "/retry-status" }; upstream "busy-and-ok"
                    retry-policy { max-attempts 2; backoff-base-ms 1; retryable-status-codes 503 }
                  }
                  route "retry-stall" {
                    matches { path-prefix "/retry-stall" }; upstream "stalled-and-ok"
                    retry-policy { max-attempts 2; backoff-base-ms 1; timeout-ms 500 }
                    policies { timeout-secs 10 }
                  }
                  route "budget" {
                    matches { path-prefix "/budget" }; upstream "all-busy"
                    retry-policy { max-attempts 2; backoff-base-ms 1; retryable-status-codes 503; budget-percent 20; min-retries-per-sec 0 }
                  }
                  route "target-breaker" { matches { path-prefix "/target-breaker" }; upstream "target-breaker" }
                  route "eject" { matches { path-prefix "/eject" }; upstream "eject" }
                  route "dying" { matches { path-prefix "/dying" }; upstream "dying" }
                }
                upstreams {
                  upstream "flaky" { target "%s"; outlier-detection { consecutive-failures 1000 } }
                  upstream "dead-and-ok" { target "127.0.0.1:%d"; target "%s"; outlier-detection { consecutive-failures 1000 } }
                  upstream "dead-and-ok-2" { target "127.0.0.1:%d"; target "%s"; outlier-detection { consecutive-failures 1000 } }
                  upstream "busy-and-ok" { target "%s"; target "%s"; outlier-detection { consecutive-failures 1000 } }
                  upstream "stalled-and-ok" { target "%s"; target "%s"; outlier-detection { consecutive-failures 1000 } }
                  upstream "all-busy" { target "%s"; target "%s"; outlier-detection { consecutive-failures 1000 } }
                  upstream "target-breaker" {
                    target "%s"; target "%s"
                    circuit-breaker { failure-threshold 2; success-threshold 1; timeout-seconds 60 }
                    outlier-detection { consecutive-failures 1000 }
                  }
                  upstream "eject" { target "127.0.0.1:%d"; target "%s"; outlier-detection { consecutive-failures 2; base-ejection-secs 60 } }
                  upstream "dying" { target "127.0.0.1:%d" }
                  upstream "sticky-dead-and-ok" {
                    target "127.0.0.1:%d"; target "%s"; outlier-detection { consecutive-failures 1000 }
                    load-balancing "sticky" { cookie-name "srv"; cookie-secure #false; fallback "round_robin" }
                  }
                  upstream "sticky-busy-and-ok" {
                    target "%s"; target "%s"; outlier-detection { consecutive-failures 1000 }
                    load-balancing "sticky" { cookie-name "srv"; cookie-secure #false; fallback "round_robin" }
                  }
                }
                """.formatted(port, flaky.address(), dead, ok.address(), dead, ok.address(), unavailable.address(),
                ok.address(), stalled.address(), ok.address(), unavailable.address(), unavailable2.address(),
                failingTarget.address(), ok.address(), dead, ok.address(), dying.getLocalPort(), dead, ok.address(),
                unavailable.address(), ok.address()));
    }

    /** JUnit runs this before it closes the {@code @AutoClose} fields, so held requests end first. */
    @AfterAll
    static void release() {
        RELEASE.countDown();
    }

    @Test
    void routeBreakerOpensFailsFastProbesAndCloses() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertEquals(500, get("/cb/x").statusCode(), "failures are relayed while closed");
        }
        int received = flaky.receivedCount();
        long start = System.nanoTime();
        HttpResponse<String> fast = get("/cb/x");
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(503, fast.statusCode());
        assertTrue(fast.body().contains("\"error\":\"service unavailable\""), fast.body());
        assertTrue(millis < 1000, "fast fail took " + millis + " ms");
        assertEquals(received, flaky.receivedCount(), "an open breaker sends nothing upstream");
        assertTrue(get("/admin/upstreams").body().contains("{\"id\":\"cb\",\"circuit_breaker\":\"open\""));

        FLAKY_STATUS.set(200);
        Await.until("a half-open probe succeeds", Duration.ofSeconds(15), () -> get("/cb/x").statusCode() == 200);
        assertEquals(200, get("/cb/x").statusCode());
        assertTrue(get("/admin/upstreams").body().contains("{\"id\":\"cb\",\"circuit_breaker\":\"closed\""));
        String metrics = get("/metrics").body();
        for (String state : new String[] {"open", "half_open", "closed"}) {
            assertTrue(metrics.lines().anyMatch(l -> l.startsWith("sentinel_route_breaker_changes_total{")
                    && l.contains("route=\"cb\"") && l.contains("state=\"" + state + "\"")), metrics);
        }
    }

    @Test
    void connectFailuresAreRetriedOnTheOtherTarget() throws Exception {
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> response = get("/retry-dead/" + i);
            assertEquals(200, response.statusCode(), "attempt " + i);
            assertEquals(Integer.toString(ok.port()), response.headers().firstValue("X-Backend-Port").orElseThrow());
        }
        assertTrue(get("/admin/upstreams").body().matches("(?s).*\\{\"id\":\"retry-dead\",\"circuit_breaker\":null,"
                + "\"retries\":[1-9]\\d*,\"retries_refused\":0}.*"));
    }

    @Test
    void withoutARetryPolicyTheFailureReachesTheClient() throws Exception {
        boolean sawBadGateway = false;
        for (int i = 0; i < 4; i++) {
            sawBadGateway |= get("/no-retry/x").statusCode() == 502;
        }
        assertTrue(sawBadGateway, "round robin sends some requests to the dead target");
    }

    @Test
    void requestsWithABodyAreNeverRetried() throws Exception {
        boolean sawBadGateway = false;
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri("/retry-dead/post"))
                    .POST(HttpRequest.BodyPublishers.ofString("payload")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            sawBadGateway |= response.statusCode() == 502;
        }
        assertTrue(sawBadGateway, "a POST that met the dead target is answered 502, not replayed");
    }

    @Test
    void retryableStatusIsRetriedOnTheOtherTargetAndNeverRelayed() throws Exception {
        int before = unavailable.receivedCount();
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> response = get("/retry-status/" + i);
            assertEquals(200, response.statusCode());
            assertEquals(Integer.toString(ok.port()), response.headers().firstValue("X-Backend-Port").orElseThrow());
        }
        assertTrue(unavailable.receivedCount() > before, "the busy target was tried");
    }

    @Test
    void aRetriedRequestIsPinnedOnlyToTheTargetThatAnswered() throws Exception {
        int busyBefore = unavailable.receivedCount();
        for (String route : new String[] {"/sticky-retry-dead", "/sticky-retry-status"}) {
            // Round robin places every other newcomer on the dead or busy target first, whose cookie the
            // sticky balancer asked for before the retry moved the request on.
            for (int i = 0; i < 4; i++) {
                HttpResponse<String> first = get(route + "/" + i);
                assertEquals(200, first.statusCode(), route);
                assertEquals(Integer.toString(ok.port()), first.headers().firstValue("X-Backend-Port").orElseThrow());
                List<String> cookies = first.headers().allValues("Set-Cookie");
                assertEquals(1, cookies.size(), route + " sets one cookie, for the target that answered: " + cookies);
                String cookie = cookies.get(0).substring(0, cookies.get(0).indexOf(';'));
                HttpResponse<String> again = HTTP.send(HttpRequest.newBuilder(uri(route + "/again"))
                        .header("Cookie", cookie).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(Integer.toString(ok.port()), again.headers().firstValue("X-Backend-Port").orElseThrow());
                assertTrue(again.headers().allValues("Set-Cookie").isEmpty(),
                        route + ": the cookie pins to the target that answered, so no new one");
            }
        }
        assertTrue(unavailable.receivedCount() > busyBefore, "the busy target was tried first at least once");
    }

    @Test
    void aStalledAttemptTimesOutAndTheRetryLandsOnTheOtherTarget() throws Exception {
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> response = get("/retry-stall/" + i);
            assertEquals(200, response.statusCode());
            assertEquals(Integer.toString(ok.port()), response.headers().firstValue("X-Backend-Port").orElseThrow());
        }
    }

    @Test
    void theRetryBudgetCapsRetries() throws Exception {
        int before = unavailable.receivedCount() + unavailable2.receivedCount();
        int requests = 30;
        for (int i = 0; i < requests; i++) {
            assertEquals(503, get("/budget/" + i).statusCode(), "the upstream's own answer once retries are spent");
        }
        int sent = unavailable.receivedCount() + unavailable2.receivedCount() - before;
        assertTrue(sent >= requests && sent <= requests + requests / 5 + 1, "upstream got " + sent);
        String metrics = get("/metrics").body();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("sentinel_retries_total{") && l.contains("route=\"budget\"")
                && l.contains("result=\"budget_exhausted\"")), metrics);
    }

    @Test
    void targetBreakerTakesAFailingTargetOutOfBalancing() throws Exception {
        for (int i = 0; i < 6; i++) {
            get("/target-breaker/" + i);
        }
        Await.until("breaker open", Duration.ofSeconds(5), () -> AdminUpstreams.target(port, "target-breaker",
                failingTarget.address()).contains("\"circuit_breaker\":\"open\""));
        for (int i = 0; i < 6; i++) {
            assertEquals(200, get("/target-breaker/" + i).statusCode());
        }
        assertTrue(get("/metrics").body().lines().anyMatch(l -> l.startsWith("sentinel_circuit_breaker_state{")
                && l.contains("name=\"target-breaker/" + failingTarget.address() + "\"") && l.endsWith(" 1.0")));
    }

    @Test
    void consecutiveFailuresEjectADeadTargetAndTrafficFlowsWithoutErrors() throws Exception {
        Await.until("the dead target is ejected", Duration.ofSeconds(10), () -> {
            get("/eject/x");
            return AdminUpstreams.json(port).contains("\"ejected\":true");
        });
        for (int i = 0; i < 10; i++) {
            assertEquals(200, get("/eject/" + i).statusCode(), "no client-visible error once ejected");
        }
    }

    @Test
    void aBackendKilledMidResponseGivesATruncatedStreamNeverAHangAndLeaksNothing() throws Exception {
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = get("/dying/x");
            assertEquals(502, response.statusCode(), "either a clean 502 or a truncated stream");
        } catch (IOException truncated) {
            // The head was relayed; the cut body must not look whole.
        }
        assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) < 10, "no hang");
        Await.until("nothing in flight", Duration.ofSeconds(5), () -> AdminUpstreams.target(port, "dying",
                "127.0.0.1:" + dying.getLocalPort()).contains("\"in_flight\":0"));
    }

    /** Answers each request with a head promising 100000 bytes, sends 1000, and closes the connection. */
    private static void dieMidResponse() {
        while (!dying.isClosed()) {
            try (Socket socket = dying.accept()) {
                InputStream in = socket.getInputStream();
                byte[] buffer = new byte[8192];
                in.read(buffer);
                OutputStream out = socket.getOutputStream();
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\nContent-Type: text/plain\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(new byte[1000]);
                out.flush();
            } catch (IOException e) {
                // closed by the test, or the proxy went away
            }
        }
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
