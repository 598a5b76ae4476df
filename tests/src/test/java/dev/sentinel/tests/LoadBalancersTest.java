package dev.sentinel.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.tests.support.Backend;
import dev.sentinel.tests.support.Ports;
import dev.sentinel.tests.support.Sentinel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every built-in load balancer on real traffic: one Sentinel, one upstream per balancer over the same
 * echoing backends (which answer with their port in {@code X-Backend-Port}), and a few backends that are
 * slow, held or failing on purpose.
 */
class LoadBalancersTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Releases requests the held backends keep waiting. */
    private static final CountDownLatch RELEASE = new CountDownLatch(1);
    /** The port of a held backend, each time it receives a request it holds. */
    private static final BlockingQueue<Integer> HELD = new LinkedBlockingQueue<>();

    private static Backend a;
    private static Backend b;
    private static Backend c;
    private static Backend slow;
    private static Backend failing;
    private static List<Backend> held;
    private static Sentinel sentinel;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        a = Backend.echo();
        b = Backend.echo();
        c = Backend.echo();
        slow = delayed(Duration.ofMillis(60));
        failing = failing();
        held = List.of(holding(), holding());
        port = Ports.free();
        String abc = targets(a, b, c);
        String heldPair = targets(held.get(0), held.get(1));
        sentinel = Sentinel.start("""
                system { worker-threads 1 }
                listeners { listener "main" { address "127.0.0.1:%d"; protocol "http" } }
                routes {
                  route "rr" { matches { path-prefix "/rr" }; upstream "rr" }
                  route "weighted" { matches { path-prefix "/weighted" }; upstream "weighted" }
                  route "random" { matches { path-prefix "/random" }; upstream "random" }
                  route "lc" { matches { path-prefix "/lc" }; upstream "lc" }
                  route "wlc" { matches { path-prefix "/wlc" }; upstream "wlc" }
                  route "p2c" { matches { path-prefix "/p2c" }; upstream "p2c" }
                  route "spread-lc" { matches { path-prefix "/spread/lc" }; upstream "spread-lc" }
                  route "spread-p2c" { matches { path-prefix "/spread/p2c" }; upstream "spread-p2c" }
                  route "ip" { matches { path-prefix "/ip" }; upstream "ip" }
                  route "ch" { matches { path-prefix "/ch" }; upstream "ch" }
                  route "maglev" { matches { path-prefix "/maglev" }; upstream "maglev" }
                  route "sticky" { matches { path-prefix "/sticky" }; upstream "sticky" }
                  route "ewma" { matches { path-prefix "/ewma" }; upstream "ewma" }
                  route "adaptive" { matches { path-prefix "/adaptive" }; upstream "adaptive" }
                }
                upstreams {
                  upstream "rr" { %s; load-balancing "round-robin" }
                  upstream "weighted" {
                    target "%s" weight=1; target "%s" weight=2; target "%s" weight=3
                    load-balancing "weighted-round-robin"
                  }
                  upstream "random" { %s; load-balancing "random" }
                  upstream "lc" { %s; load-balancing "least-connections" }
                  upstream "wlc" { %s; load-balancing "wlc" }
                  upstream "p2c" { %s; load-balancing "power_of_two_choices" }
                  upstream "spread-lc" { %s; load-balancing "least_connections" }
                  upstream "spread-p2c" { %s; load-balancing "p2c" }
                  upstream "ip" { %s; load-balancing "ip-hash" }
                  upstream "ch" { %s; load-balancing "consistent_hash" { key "header:X-User" } }
                  upstream "maglev" { %s; load-balancing "maglev" { key "cookie:session"; table-size 1009 } }
                  upstream "sticky" {
                    %s
                    load-balancing "sticky" { cookie-name "srv"; cookie-secure #false; fallback "round_robin" }
                  }
                  upstream "ewma" { %s; load-balancing "peak_ewma" }
                  upstream "adaptive" { %s; load-balancing "adaptive"; outlier-detection { consecutive-failures 1000 } } // the balancer alone, no ejection
                }
                """.formatted(port, abc, a.address(), b.address(), c.address(), abc, heldPair, heldPair, heldPair,
                abc, abc, abc, abc, abc, abc, targets(slow, a), targets(failing, a)));
    }

    @AfterAll
    static void stop() throws Exception {
        RELEASE.countDown();
        if (sentinel != null) {
            sentinel.close();
        }
        for (Backend backend : List.of(a, b, c, slow, failing, held.get(0), held.get(1))) {
            backend.close();
        }
    }

    @Test
    void roundRobinIsExactlyEven() throws Exception {
        assertEquals(Map.of(a.port(), 100, b.port(), 100, c.port(), 100), counts("/rr/x", 300));
    }

    @Test
    void weightedSharesFollowTheWeights() throws Exception {
        Map<Integer, Integer> counts = counts("/weighted/x", 600);
        assertEquals(100, counts.get(a.port()), 10, counts.toString());
        assertEquals(200, counts.get(b.port()), 10, counts.toString());
        assertEquals(300, counts.get(c.port()), 10, counts.toString());
    }

    @Test
    void randomSpreadsRoughlyEvenly() throws Exception {
        Map<Integer, Integer> counts = counts("/random/x", 600);
        for (Backend backend : List.of(a, b, c)) {
            int n = counts.getOrDefault(backend.port(), 0);
            assertTrue(n > 130 && n < 270, counts.toString());
        }
    }

    @Test
    void loadAwareBalancersSpreadIdleTrafficOverEveryTarget() throws Exception {
        for (String path : List.of("/spread/lc/x", "/spread/p2c/x")) {
            Map<Integer, Integer> counts = counts(path, 150);
            assertEquals(3, counts.size(), path + " " + counts);
        }
    }

    @Test
    void leastConnectionsBalancersPreferTheIdleTargetUnderSlowRequests() throws Exception {
        for (String prefix : List.of("/lc", "/wlc", "/p2c")) {
            HELD.clear();
            CompletableFuture<HttpResponse<String>> slowOne = HTTP.sendAsync(request(prefix + "/hold").build(),
                    HttpResponse.BodyHandlers.ofString());
            Integer busy = HELD.poll(10, TimeUnit.SECONDS);
            assertNotNull(busy, prefix + ": the held request never reached a backend");
            Map<Integer, Integer> counts = counts(prefix + "/quick", 20);
            int idle = held.get(0).port() == busy ? held.get(1).port() : held.get(0).port();
            assertEquals(Map.of(idle, 20), counts, prefix + ": every quick request avoids the busy target " + busy);
            assertFalse(slowOne.isDone(), prefix + ": the slow request is still held");
        }
        RELEASE.countDown();
    }

    @Test
    void ipHashSendsOneClientToOneTarget() throws Exception {
        assertEquals(1, counts("/ip/x", 50).size());
    }

    @Test
    void consistentHashKeepsEachUserOnOneTargetAndSpreadsUsers() throws Exception {
        Map<String, Integer> owner = new HashMap<>();
        for (int user = 0; user < 40; user++) {
            for (int i = 0; i < 5; i++) {
                int backend = backendPort(send(request("/ch/x").header("X-User", "user-" + user)));
                Integer first = owner.putIfAbsent("user-" + user, backend);
                assertTrue(first == null || first == backend, "user-" + user + " moved from " + first + " to " + backend);
            }
        }
        assertEquals(3, owner.values().stream().distinct().count(), "40 users use all three targets: " + owner);
    }

    @Test
    void maglevKeepsEachSessionOnOneTarget() throws Exception {
        Map<String, Integer> owner = new HashMap<>();
        for (int session = 0; session < 40; session++) {
            for (int i = 0; i < 3; i++) {
                int backend = backendPort(send(request("/maglev/x").header("Cookie", "session=s" + session)));
                Integer first = owner.putIfAbsent("s" + session, backend);
                assertTrue(first == null || first == backend, "s" + session + " moved");
            }
        }
        assertTrue(owner.values().stream().distinct().count() >= 2, owner.toString());
    }

    @Test
    void stickyCookiePinsAClientAndATamperedOneIsReplaced() throws Exception {
        HttpResponse<String> first = send(request("/sticky/x"));
        String setCookie = first.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(setCookie.matches("srv=[A-Za-z0-9_-]{22}; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax"), setCookie);
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        int pinned = backendPort(first);
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> again = send(request("/sticky/x").header("Cookie", "other=1; " + cookie));
            assertEquals(pinned, backendPort(again));
            assertTrue(again.headers().firstValue("Set-Cookie").isEmpty(), "a pinned client gets no new cookie");
        }
        Map<Integer, Integer> newcomers = counts("/sticky/x", 6);
        assertEquals(3, newcomers.size(), "clients without the cookie are spread by the fallback: " + newcomers);
        HttpResponse<String> forged = send(request("/sticky/x").header("Cookie", "srv=AAAAAAAAAAAAAAAAAAAAAA"));
        assertTrue(forged.headers().firstValue("Set-Cookie").orElseThrow().startsWith("srv="), "re-pinned");
    }

    @Test
    void peakEwmaLearnsToAvoidTheSlowTarget() throws Exception {
        Map<Integer, Integer> counts = counts("/ewma/x", 60);
        assertTrue(counts.getOrDefault(a.port(), 0) >= 50, "the fast target takes most: " + counts);
    }

    @Test
    void adaptiveStarvesAFailingTargetButKeepsProbingIt() throws Exception {
        counts("/adaptive/x", 100);
        Map<Integer, Integer> later = counts("/adaptive/x", 200);
        int toFailing = later.getOrDefault(failing.port(), 0);
        assertTrue(toFailing > 0 && toFailing < 40, "the failing target gets little once known, but some: " + later);
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static String targets(Backend... backends) {
        List<String> lines = new ArrayList<>();
        for (Backend backend : backends) {
            lines.add("target \"" + backend.address() + "\"");
        }
        return String.join("; ", lines);
    }

    /** An echo backend that answers after {@code delay}: the slowness is the backend's, not a wait in the test. */
    private static Backend delayed(Duration delay) throws Exception {
        Backend[] self = new Backend[1];
        self[0] = Backend.start((r, response, callback) -> {
            Thread.sleep(delay.toMillis());
            response.getHeaders().put("X-Backend-Port", Integer.toString(self[0].port()));
            Backend.text(response, callback, 200, "slow");
        });
        return self[0];
    }

    /** A backend that answers every request with a 500. */
    private static Backend failing() throws Exception {
        Backend[] self = new Backend[1];
        self[0] = Backend.start((r, response, callback) -> {
            response.getHeaders().put("X-Backend-Port", Integer.toString(self[0].port()));
            Backend.text(response, callback, 500, "broken");
        });
        return self[0];
    }

    /** An echo backend that holds requests to {@code …/hold} until {@link #RELEASE}, announcing each. */
    private static Backend holding() throws Exception {
        Backend[] self = new Backend[1];
        self[0] = Backend.start((r, response, callback) -> {
            if (r.uri().endsWith("/hold")) {
                HELD.add(self[0].port());
                RELEASE.await(60, TimeUnit.SECONDS);
            }
            response.getHeaders().put("X-Backend-Port", Integer.toString(self[0].port()));
            Backend.text(response, callback, 200, "ok");
        });
        return self[0];
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int backendPort(HttpResponse<String> response) {
        return Integer.parseInt(response.headers().firstValue("X-Backend-Port")
                .orElseThrow(() -> new AssertionError(response.statusCode() + " " + response.body())));
    }

    /** Sends {@code n} requests one after the other; counts them by the backend that answered. */
    private static Map<Integer, Integer> counts(String path, int n) throws Exception {
        Map<Integer, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            HttpResponse<String> response = send(request(path));
            counts.merge(backendPort(response), 1, Integer::sum);
        }
        return counts;
    }
}
