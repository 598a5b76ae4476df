package dev.sentinel.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.tests.support.Backend;
import dev.sentinel.tests.support.Ports;
import dev.sentinel.tests.support.Sentinel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The built-in filters on real traffic: headers, cors, redirect and url-rewrite, the order a route's filters
 * run in, and a filter on a builtin route. Rate limiting has {@link RateLimitTest}.
 */
class FiltersTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String APP = "https://app.example.com";

    @AutoClose
    private static Backend backend;
    @AutoClose
    private static Sentinel sentinel;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        backend = Backend.start((r, response, callback) -> {
            response.getHeaders().put("X-Upstream", "yes");
            response.getHeaders().put("X-Order", "upstream");
            Backend.text(response, callback, 200, r.method() + " " + r.uri());
        });
        port = Ports.free();
        sentinel = Sentinel.start("""
                system { worker-threads 1 }
                listeners { listener "main" { address "127.0.0.1:%d"; protocol "http" } }
                filters {
                  filter "request-edits" {
                    type "headers"
                    rename { "X-Old" "X-Renamed" }
                    set { "X-Set-By" "filter" }
                    add { "X-Multi" "two" }
                    remove "X-Secret"
                  }
                  filter "response-edits" {
                    type "headers"
                    phase "response"
                    set { "X-Frame-Options" "SAMEORIGIN" }
                    add { "X-Multi" "added" }
                    remove "X-Upstream"
                  }
                  filter "seq-a" { type "headers"; set { "X-Seq" "a" } }
                  filter "seq-b" { type "headers"; rename { "X-Seq" "X-Seq-After-B" } }
                  filter "outer" { type "headers"; phase "response"; set { "X-Order" "outer" } }
                  filter "inner" { type "headers"; phase "response"; set { "X-Order" "inner" } }
                  filter "cors" {
                    type "cors"
                    allowed-origins "https://app.example.com"
                    allowed-methods "GET" "PUT"
                    exposed-headers "X-Total"
                    allow-credentials #true
                    max-age-secs 600
                  }
                  filter "to-https" { type "redirect"; scheme "https"; status-code 301 }
                  filter "moved" { type "redirect"; replace-prefix-match "/new" }
                  filter "rewrite" { type "url-rewrite"; hostname "internal.svc"; replace-prefix-match "/v1" }
                  filter "status-limit" { type "rate-limit"; max-rps 1; burst 2; key "route" }
                  filter "forge" { type "headers"; set { "X-Forwarded-For" "6.6.6.6"; "X-Forwarded-Host" "evil.test"; } }
                }
                routes {
                  route "headers" { matches { path-prefix "/headers" }; upstream "be"; filters "request-edits" "response-edits" }
                  route "order" { matches { path-prefix "/order" }; upstream "be"; filters "seq-a" "seq-b" "outer" "inner" }
                  route "cors" { matches { path-prefix "/cors" }; upstream "be"; filters "cors" }
                  route "secure" { matches { path-prefix "/secure" }; upstream "be"; filters "to-https" }
                  route "old" { matches { path-prefix "/old" }; upstream "be"; filters "moved" }
                  route "api" { matches { path-prefix "/api/v1" }; upstream "be"; filters "rewrite" }
                  route "status" { matches { path "/status" }; builtin-handler "status"; filters "status-limit" }
                  route "forge" { matches { path-prefix "/forge" }; upstream "be"; filters "forge" }
                }
                upstreams { upstream "be" { target "%s" } }
                """.formatted(port, backend.address()));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10));
    }

    @Test
    void aFilterCannotForgeTheForwardingHeaders() throws Exception {
        assertEquals(200, send(get("/forge").header("X-Forwarded-For", "10.1.2.3")).statusCode());
        Backend.Received received = backend.take();
        assertEquals("10.1.2.3, 127.0.0.1", received.header("X-Forwarded-For"),
                "the client's chain plus the client, whatever the filter set");
        assertEquals("127.0.0.1:" + port, received.header("X-Forwarded-Host"));
    }

    @Test
    void headersFilterEditsTheRequestTheBackendSeesAndTheResponseTheClientSees() throws Exception {
        HttpResponse<String> response = send(get("/headers/x").header("X-Old", "o").header("X-Secret", "s")
                .header("X-Multi", "one").header("X-Set-By", "client"));
        assertEquals(200, response.statusCode());
        Backend.Received received = backend.take();
        assertEquals("/headers/x", received.uri());
        assertEquals("o", received.header("X-Renamed"));
        assertNull(received.header("X-Old"));
        assertNull(received.header("X-Secret"));
        assertEquals("filter", received.header("X-Set-By"));
        assertEquals(List.of("one", "two"), received.headers().getValuesList("X-Multi"));

        assertEquals("SAMEORIGIN", response.headers().firstValue("X-Frame-Options").orElse(null));
        assertEquals(List.of("added"), response.headers().allValues("X-Multi"));
        assertFalse(response.headers().firstValue("X-Upstream").isPresent(), response.headers().toString());
    }

    @Test
    void requestPhasesRunInTheRouteOrderAndResponsePhasesInReverse() throws Exception {
        HttpResponse<String> response = send(get("/order"));
        assertEquals(200, response.statusCode());
        Backend.Received received = backend.take();
        assertEquals("a", received.header("X-Seq-After-B"), "seq-b ran after seq-a");
        assertNull(received.header("X-Seq"));
        assertEquals(List.of("outer"), response.headers().allValues("X-Order"),
                "inner ran first on the response, outer last: the first filter has the last word");
    }

    @Test
    void corsPreflightIsAnsweredWithoutReachingTheBackend() throws Exception {
        HttpResponse<String> response = send(get("/cors/items").method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", APP).header("Access-Control-Request-Method", "PUT")
                .header("Access-Control-Request-Headers", "Content-Type"));
        assertEquals(204, response.statusCode());
        assertEquals(APP, response.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        assertEquals("GET, PUT", response.headers().firstValue("Access-Control-Allow-Methods").orElse(null));
        assertEquals("Content-Type", response.headers().firstValue("Access-Control-Allow-Headers").orElse(null));
        assertEquals("true", response.headers().firstValue("Access-Control-Allow-Credentials").orElse(null));
        assertEquals("600", response.headers().firstValue("Access-Control-Max-Age").orElse(null));
        backend.assertNothingReceived(Duration.ofMillis(300));
    }

    @Test
    void corsMarksActualRequestsFromAnAllowedOriginOnly() throws Exception {
        HttpResponse<String> allowed = send(get("/cors/items").header("Origin", APP));
        assertEquals(200, allowed.statusCode());
        backend.take();
        assertEquals(APP, allowed.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        assertEquals("true", allowed.headers().firstValue("Access-Control-Allow-Credentials").orElse(null));
        assertEquals("X-Total", allowed.headers().firstValue("Access-Control-Expose-Headers").orElse(null));
        assertTrue(allowed.headers().allValues("Vary").contains("Origin"), allowed.headers().toString());

        HttpResponse<String> other = send(get("/cors/items").header("Origin", "https://evil.example"));
        assertEquals(200, other.statusCode());
        backend.take();
        assertFalse(other.headers().firstValue("Access-Control-Allow-Origin").isPresent());

        HttpResponse<String> otherPreflight = send(get("/cors/items")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example").header("Access-Control-Request-Method", "PUT"));
        assertEquals("OPTIONS", backend.take().method(), "not answered by the filter: the upstream sees it");
        assertFalse(otherPreflight.headers().firstValue("Access-Control-Allow-Origin").isPresent());
    }

    @Test
    void redirectAnswersWithLocationAndTheBackendGetsNothing() throws Exception {
        HttpResponse<String> secure = send(get("/secure/page?q=1"));
        assertEquals(301, secure.statusCode());
        assertEquals("https://127.0.0.1/secure/page?q=1", secure.headers().firstValue("Location").orElse(null));

        HttpResponse<String> moved = send(get("/old/a/b?x=y"));
        assertEquals(302, moved.statusCode());
        assertEquals("http://127.0.0.1:" + port + "/new/a/b?x=y", moved.headers().firstValue("Location").orElse(null));
        backend.assertNothingReceived(Duration.ofMillis(300));
    }

    @Test
    void urlRewriteChangesThePathAndHostTheBackendSees() throws Exception {
        HttpResponse<String> response = send(get("/api/v1/users?page=2"));
        assertEquals(200, response.statusCode());
        Backend.Received received = backend.take();
        assertEquals("/v1/users?page=2", received.uri());
        assertEquals("internal.svc", received.header("Host"));
        assertEquals("127.0.0.1:" + port, received.header("X-Forwarded-Host"), "still the host the client asked for");
    }

    @Test
    void aFilterOnABuiltinRoute() throws Exception {
        int ok = 0;
        HttpResponse<String> response;
        do {
            response = send(get("/status"));
            if (response.statusCode() == 200) {
                ok++;
                assertTrue(response.headers().firstValue("X-RateLimit-Limit").isPresent(), response.headers().toString());
            }
        } while (response.statusCode() == 200 && ok < 20);
        assertTrue(ok >= 2, "the burst of 2 went through first");
        assertEquals(429, response.statusCode(), response.body());
        assertTrue(response.body().contains("rate limit exceeded"), response.body());
    }
}
