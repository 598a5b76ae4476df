package dev.sentinel.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.tests.support.Backend;
import dev.sentinel.tests.support.Ports;
import dev.sentinel.tests.support.Sentinel;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Which route serves a request. Every route has an upstream of its own, backed by a backend of its own,
 * so the backend that answers (its {@code X-Backend-Port}) names the route that was chosen.
 * Listener "main" has a default route; listener "bare" has none, so unmatched requests get 404 there.
 */
class RoutingTest {
    /** Route id → its {@code matches}/priority lines, in declaration order. */
    private static final Map<String, String> ROUTES = new LinkedHashMap<>();

    static {
        // Priority beats specificity and declaration order.
        ROUTES.put("prio-exact-low", "priority \"low\"; matches { path \"/prio/x\" }");
        ROUTES.put("prio-high", "priority \"high\"; matches { path-prefix \"/prio\" }");
        ROUTES.put("prio-int", "priority 150; matches { path-prefix \"/prio/int\" }");
        ROUTES.put("declared-first", "matches { path-prefix \"/pd\" }");
        ROUTES.put("declared-later-critical", "priority \"critical\"; matches { path-prefix \"/pd\" }");
        ROUTES.put("tie-first", "matches { path-prefix \"/tie\" }");
        ROUTES.put("tie-second", "matches { path-prefix \"/tie\" }");
        // Equal priority: specificity, with the less specific route always declared first.
        ROUTES.put("spec-prefix", "matches { path-prefix \"/spec\" }");
        ROUTES.put("spec-exact", "matches { path \"/spec/exact\" }");
        ROUTES.put("lp-short", "matches { path-prefix \"/lp\" }");
        ROUTES.put("lp-long", "matches { path-prefix \"/lp/deeper\" }");
        ROUTES.put("rx-prefix", "matches { path-prefix \"/rx\" }");
        ROUTES.put("rx-regex", "matches { path-regex \"^/rx/[0-9]+$\" }");
        ROUTES.put("v2", "matches { path-prefix \"/v2\" }");
        // Hosts.
        ROUTES.put("host-exact", "matches { path-prefix \"/host\"; host \"api.example.com\" }");
        ROUTES.put("host-wild", "matches { path-prefix \"/host\"; host \"*.example.com\" }");
        ROUTES.put("host-regex", "matches { path-prefix \"/host\"; host \"^shop-[0-9]+[.]test$\" }");
        // Methods, headers, query parameters.
        ROUTES.put("get-post", "matches { path-prefix \"/m\"; method \"GET\" \"POST\" }");
        ROUTES.put("put", "matches { path-prefix \"/m\"; method \"PUT\" }");
        ROUTES.put("hdr-value", "matches { path-prefix \"/hdr\"; header \"X-Env\" \"prod\" }");
        ROUTES.put("hdr-present", "matches { path-prefix \"/hdr\"; header \"X-Flag\" }");
        ROUTES.put("q-value", "matches { path-prefix \"/q\"; query-param \"v\" \"2\" }");
        ROUTES.put("q-present", "matches { path-prefix \"/q\"; query-param \"debug\" }");
        // Alternatives and conjunctions.
        ROUTES.put("alts", "matches { path \"/one\"; path \"/two\" }");
        ROUTES.put("path-and-method", "matches { path \"/both\"; method \"DELETE\" }");
        ROUTES.put("fallback", "priority \"low\"; matches { path \"/never-requested\" }");
    }

    private static final Map<String, Backend> BACKENDS = new LinkedHashMap<>();
    private static final Map<String, String> ROUTE_BY_PORT = new LinkedHashMap<>();
    private static Sentinel sentinel;
    private static int mainPort;
    private static int barePort;

    @BeforeAll
    static void start() throws Exception {
        StringBuilder routes = new StringBuilder();
        StringBuilder upstreams = new StringBuilder();
        for (Map.Entry<String, String> route : ROUTES.entrySet()) {
            Backend backend = Backend.echo();
            BACKENDS.put(route.getKey(), backend);
            ROUTE_BY_PORT.put(Integer.toString(backend.port()), route.getKey());
            routes.append("  route \"%s\" { %s; upstream \"%s\" }\n".formatted(route.getKey(), route.getValue(),
                    route.getKey()));
            upstreams.append("  upstream \"%s\" { target \"%s\" }\n".formatted(route.getKey(), backend.address()));
        }
        mainPort = Ports.free();
        barePort = Ports.free();
        sentinel = Sentinel.start("""
                system { worker-threads 1 }
                listeners {
                  listener "main" { address "127.0.0.1:%d"; protocol "http"; default-route "fallback" }
                  listener "bare" { address "127.0.0.1:%d"; protocol "http" }
                }
                routes {
                %s}
                upstreams {
                %s}
                """.formatted(mainPort, barePort, routes, upstreams));
    }

    @AfterAll
    static void stop() throws Exception {
        if (sentinel != null) {
            sentinel.close();
        }
        for (Backend backend : BACKENDS.values()) {
            backend.close();
        }
    }

    @Test
    void higherPriorityWinsOverSpecificityAndDeclarationOrder() throws Exception {
        assertEquals("prio-high", route("GET", "/prio/x"));
        assertEquals("prio-high", route("GET", "/prio"));
        assertEquals("prio-int", route("GET", "/prio/int/1"));
        assertEquals("declared-later-critical", route("GET", "/pd/a"));
    }

    @Test
    void equalRoutesAreDecidedByDeclarationOrder() throws Exception {
        assertEquals("tie-first", route("GET", "/tie"));
    }

    @Test
    void exactPathBeatsPrefixAtEqualPriority() throws Exception {
        assertEquals("spec-exact", route("GET", "/spec/exact"));
        assertEquals("spec-prefix", route("GET", "/spec/exact/more"));
        assertEquals("spec-prefix", route("GET", "/spec/other"));
    }

    @Test
    void longerPrefixBeatsShorterPrefix() throws Exception {
        assertEquals("lp-long", route("GET", "/lp/deeper"));
        assertEquals("lp-long", route("GET", "/lp/deeper/x"));
        assertEquals("lp-short", route("GET", "/lp/deep"));
        assertEquals("lp-short", route("GET", "/lp"));
    }

    @Test
    void regexBeatsPrefix() throws Exception {
        assertEquals("rx-regex", route("GET", "/rx/123"));
        assertEquals("rx-prefix", route("GET", "/rx/abc"));
    }

    @Test
    void pathPrefixMatchesWholeSegmentsOnly() throws Exception {
        assertEquals("v2", route("GET", "/v2"));
        assertEquals("v2", route("GET", "/v2/x"));
        assertEquals("v2", route("GET", "/v2?q=1"));
        assertEquals("404", route("GET", "/v2x"));
        assertEquals("404", route("GET", "/v20/x"));
    }

    @Test
    void hostMatchesExactlyByWildcardAndByRegexIgnoringPortAndCase() throws Exception {
        assertEquals("host-exact", routeWithHost("api.example.com", "/host"));
        assertEquals("host-exact", routeWithHost("api.example.com:1234", "/host"));
        assertEquals("host-exact", routeWithHost("API.Example.COM", "/host"));
        assertEquals("host-wild", routeWithHost("www.example.com", "/host"));
        assertEquals("host-wild", routeWithHost("a.b.example.com:8443", "/host"));
        assertEquals("404", routeWithHost("example.com", "/host"), "*.example.com needs one more label");
        assertEquals("404", routeWithHost("notexample.com", "/host"));
        assertEquals("host-regex", routeWithHost("shop-42.test", "/host"));
        assertEquals("host-regex", routeWithHost("shop-42.test:9000", "/host"));
        assertEquals("404", routeWithHost("shop-x.test", "/host"));
    }

    @Test
    void methodConditionAcceptsAnyOfItsValues() throws Exception {
        assertEquals("get-post", route("GET", "/m"));
        assertEquals("get-post", route("POST", "/m/x"));
        assertEquals("put", route("PUT", "/m"));
        assertEquals("404", route("DELETE", "/m"));
    }

    @Test
    void headerConditionChecksPresenceOrExactValue() throws Exception {
        assertEquals("hdr-value", route("GET", "/hdr", "X-Env: prod"));
        assertEquals("hdr-value", route("GET", "/hdr", "x-env: prod"), "header names are case-insensitive");
        assertEquals("404", route("GET", "/hdr", "X-Env: dev"));
        assertEquals("hdr-present", route("GET", "/hdr", "X-Flag: anything"));
        assertEquals("hdr-present", route("GET", "/hdr", "X-Env: dev", "X-Flag: 1"));
        assertEquals("404", route("GET", "/hdr"));
    }

    @Test
    void queryParamConditionChecksPresenceOrExactValue() throws Exception {
        assertEquals("q-value", route("GET", "/q?v=2"));
        assertEquals("q-value", route("GET", "/q?x=1&v=2"));
        assertEquals("q-value", route("GET", "/q?v=%32"), "values are compared decoded");
        assertEquals("404", route("GET", "/q?v=3"));
        assertEquals("404", route("GET", "/q?vv=2"));
        assertEquals("q-present", route("GET", "/q?debug"));
        assertEquals("q-present", route("GET", "/q?debug=yes"));
        assertEquals("404", route("GET", "/q"));
    }

    @Test
    void twoPathValuesAreAlternatives() throws Exception {
        assertEquals("alts", route("GET", "/one"));
        assertEquals("alts", route("GET", "/two"));
        assertEquals("404", route("GET", "/three"));
        assertEquals("404", route("GET", "/one/more"), "path is exact");
    }

    @Test
    void pathAndMethodMustBothHold() throws Exception {
        assertEquals("path-and-method", route("DELETE", "/both"));
        assertEquals("404", route("GET", "/both"));
        assertEquals("404", route("DELETE", "/both/x"));
    }

    @Test
    void unmatchedRequestGoesToTheListenersDefaultRoute() throws Exception {
        RawHttp1.Response response = exchange(mainPort, "GET", "/matches/nothing", "127.0.0.1");
        assertEquals(200, response.status());
        assertEquals("fallback", ROUTE_BY_PORT.get(response.header("X-Backend-Port")));
        assertEquals("/matches/nothing", BACKENDS.get("fallback").take().uri());
    }

    @Test
    void unmatchedRequestWithoutDefaultRouteIsA404WithJsonBodyAndCorrelationId() throws Exception {
        RawHttp1.Response response = exchange(barePort, "GET", "/matches/nothing", "127.0.0.1");
        assertEquals(404, response.status());
        assertTrue(response.header("Content-Type").startsWith("application/json"), response.header("Content-Type"));
        String body = response.text();
        Matcher json = Pattern.compile(
                "\\{\"error\":\"[^\"]+\",\"status\":404,\"trace_id\":\"([0-9a-f]{32})\"}").matcher(body);
        assertTrue(json.matches(), body);
        assertEquals(json.group(1), response.header("X-Correlation-Id"));
        assertEquals("404", route("GET", "/matches/nothing"));
    }

    /** The route that served the request on the bare listener, or "404". */
    private static String route(String method, String target, String... headers) throws IOException {
        return routeOf(exchange(barePort, method, target, "127.0.0.1:" + barePort, headers));
    }

    private static String routeWithHost(String host, String target) throws IOException {
        return routeOf(exchange(barePort, "GET", target, host));
    }

    private static String routeOf(RawHttp1.Response response) {
        if (response.status() == 404 && response.header("X-Backend-Port") == null) {
            return "404";
        }
        assertEquals(200, response.status(), response.text());
        String route = ROUTE_BY_PORT.get(response.header("X-Backend-Port"));
        assertTrue(route != null, "answered by an unknown backend: " + response.header("X-Backend-Port"));
        return route;
    }

    /** One request on its own connection, with any Host header; POST and PUT carry an empty body. */
    private static RawHttp1.Response exchange(int port, String method, String target, String host, String... headers)
            throws IOException {
        StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: " + host + "\r\n");
        for (String h : headers) {
            head.append(h).append("\r\n");
        }
        if (method.equals("POST") || method.equals("PUT")) {
            head.append("Content-Length: 0\r\n");
        }
        return RawHttp1.exchange(port, head.append("Connection: close\r\n\r\n").toString());
    }
}
