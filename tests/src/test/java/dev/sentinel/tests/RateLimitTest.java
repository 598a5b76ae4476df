package dev.sentinel.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.tests.support.Backend;
import dev.sentinel.tests.support.Dist;
import dev.sentinel.tests.support.Dist.Result;
import dev.sentinel.tests.support.Ports;
import dev.sentinel.tests.support.Sentinel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rate-limit filter on real traffic. Limits are 1 request a second with a small burst: the burst is
 * always there for the first requests, and a run of quick requests meets a refusal long before a slow
 * machine could take a second per request, so no assertion depends on refill timing.
 */
class RateLimitTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Quick requests sent at most before a refusal must have come. */
    private static final int MAX_TRIES = 30;

    @AutoClose
    private static Backend backend;
    @AutoClose
    private static Sentinel sentinel;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        // An upstream with rate limit headers of its own: Sentinel's replace them.
        backend = Backend.start((received, response, callback) -> {
            response.getHeaders().put("X-RateLimit-Limit", "1000");
            response.getHeaders().put("X-RateLimit-Remaining", "999");
            Backend.text(response, callback, 200, received.method() + " " + received.uri());
        });
        port = Ports.free();
        sentinel = Sentinel.start("""
                system { worker-threads 1 }
                listeners { listener "main" { address "127.0.0.1:%d"; protocol "http" } }
                filters {
                  filter "per-key" { type "rate-limit"; max-rps 1; burst 3; key "header:X-Api-Key" }
                  filter "log-only" { type "rate-limit"; max-rps 1; burst 1; on-limit "log-only" }
                  filter "cors" { type "cors" }
                  filter "tight" {
                    type "rate-limit"
                    max-rps 1
                    burst 1
                    key "header:X-Api-Key"
                    status-code 503
                    message "slow down"
                    max-keys 1000
                    backend "local"
                  }
                }
                routes {
                  route "limited" { matches { path-prefix "/limited" }; upstream "be"; filters "per-key" }
                  route "log" { matches { path-prefix "/log" }; upstream "be"; filters "log-only" }
                  route "marked" { matches { path-prefix "/marked" }; upstream "be"; filters "cors" "tight" }
                  route "down" { matches { path-prefix "/down" }; upstream "gone"; filters "per-key" }
                  route "metrics" { matches { path "/metrics" }; builtin-handler "metrics" }
                }
                upstreams {
                  upstream "be" { target "%s" }
                  upstream "gone" { target "127.0.0.1:%d" }
                }
                """.formatted(port, backend.address(), Ports.free()));
    }

    private static HttpResponse<String> send(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sends until the first answer that is not 200; returns the 200s and that answer, last. */
    private static List<HttpResponse<String>> untilRefused(String path, String... headers) throws Exception {
        List<HttpResponse<String>> answers = new ArrayList<>();
        HttpResponse<String> response;
        do {
            response = send(path, headers);
            answers.add(response);
        } while (response.statusCode() == 200 && answers.size() < MAX_TRIES);
        return answers;
    }

    private static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    @Test
    void theBurstGoesThroughThenA429WithRetryAfterAndTheRateLimitHeaders() throws Exception {
        List<HttpResponse<String>> answers = untilRefused("/limited/a", "X-Api-Key", "k1");
        HttpResponse<String> refused = answers.getLast();
        assertEquals(429, refused.statusCode(), refused.body());
        assertTrue(answers.size() >= 4, "the burst of 3 came first: " + answers.size());

        HttpResponse<String> first = answers.getFirst();
        assertEquals(List.of("3"), first.headers().allValues("X-RateLimit-Limit"), "the upstream's own give way");
        assertEquals(List.of("2"), first.headers().allValues("X-RateLimit-Remaining"));
        long now = System.currentTimeMillis() / 1000;
        long reset = Long.parseLong(header(first, "X-RateLimit-Reset"));
        assertTrue(reset >= now && reset <= now + 5, "Unix seconds when the bucket is full again: " + reset);

        assertTrue(Integer.parseInt(header(refused, "Retry-After")) >= 1, refused.headers().toString());
        assertEquals("3", header(refused, "X-RateLimit-Limit"));
        assertEquals("0", header(refused, "X-RateLimit-Remaining"));
        assertTrue(Long.parseLong(header(refused, "X-RateLimit-Reset")) >= now);
        assertTrue(refused.body().contains("\"error\":\"rate limit exceeded\""), refused.body());
        assertTrue(refused.body().contains("\"status\":429"), refused.body());

        HttpResponse<String> otherKey = send("/limited/a", "X-Api-Key", "k2");
        assertEquals(200, otherKey.statusCode(), "another key has a bucket of its own");
        assertEquals("2", header(otherKey, "X-RateLimit-Remaining"));
    }

    @Test
    void sentinelsOwnErrorReplyCarriesTheRateLimitHeadersToo() throws Exception {
        HttpResponse<String> response = send("/down", "X-Api-Key", "down");
        assertEquals(502, response.statusCode(), "nothing listens on the upstream's port");
        assertEquals(List.of("3"), response.headers().allValues("X-RateLimit-Limit"));
        assertEquals(List.of("2"), response.headers().allValues("X-RateLimit-Remaining"));
    }

    @Test
    void refusalsAreCountedPerFilterInTheMetrics() throws Exception {
        assertEquals(429, untilRefused("/limited/m", "X-Api-Key", "metrics").getLast().statusCode());
        String metrics = send("/metrics").body();
        Matcher m = Pattern.compile("sentinel_filter_decisions_total\\{decision=\"deny\",filter=\"per-key\"} (\\S+)")
                .matcher(metrics);
        assertTrue(m.find(), metrics);
        assertTrue(Double.parseDouble(m.group(1)) >= 1, m.group());
    }

    @Test
    void logOnlyNeverRefusesAndSaysSoInTheLog() throws Exception {
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> response = send("/log/" + i);
            assertEquals(200, response.statusCode());
            assertTrue(header(response, "X-RateLimit-Remaining") != null, response.headers().toString());
        }
        sentinel.awaitOutput("on-limit \"log-only\" let the requests through", Duration.ofSeconds(10));
        // A plugin's System.Logger line comes out through the server's SLF4J logging, in its format.
        assertTrue(sentinel.output().contains(":WARN :dsf.RateLimitFilter:"), sentinel.output());
    }

    @Test
    void anOuterCorsFilterMarksTheRefusalOfAnInnerRateLimit() throws Exception {
        List<HttpResponse<String>> answers = untilRefused("/marked", "X-Api-Key", "cors", "Origin", "https://a.test");
        HttpResponse<String> refused = answers.getLast();
        assertEquals(503, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("slow down"), refused.body());
        assertEquals("*", header(refused, "Access-Control-Allow-Origin"), refused.headers().toString());
        assertTrue(header(refused, "Retry-After") != null);
    }

    @Test
    void testRefusesAnUnknownKeyAndRemoteBackendsAtTheirLine(@TempDir Path tmp) throws Exception {
        String head = """
                system { worker-threads 1 }
                listeners { listener "main" { address "127.0.0.1:18080" } }
                filters {
                  filter "limit" {
                    type "rate-limit"
                """;
        Path typo = Files.writeString(tmp.resolve("typo.kdl"), head + """
                    max-rsp 5
                  }
                }
                """);
        Result result = Dist.run("test", "-c", typo.toString());
        assertEquals(1, result.exitCode(), result.output());
        assertTrue(result.output().contains(typo + ":6:"), result.output());
        assertTrue(result.output().contains("unknown key 'max-rsp'"), result.output());
        assertTrue(result.output().contains("max-rps"), "the accepted keys are listed: " + result.output());

        Path redis = Files.writeString(tmp.resolve("redis.kdl"), head + """
                    max-rps 100
                    backend "redis"
                    redis-url "redis://127.0.0.1:6379"
                  }
                }
                """);
        result = Dist.run("test", "-c", redis.toString());
        assertEquals(1, result.exitCode(), result.output());
        assertTrue(result.output().contains(redis + ":7:"), result.output());
        assertTrue(result.output().contains("rate-limit backend \"redis\" is not supported yet by Sentinel"),
                result.output());
    }
}
