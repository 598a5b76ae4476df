package dev.sentinel.server.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.server.config.kdl.ConfigLoader;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteTableTest {
    private static RouteTable table(String routes) throws Exception {
        return RouteTable.compile(ConfigLoader.parse("""
                system { }
                listeners { listener "l" { address "127.0.0.1:1" } }
                upstreams { upstream "u" { target "127.0.0.1:2" } }
                routes {
                """ + routes + "}", "t.kdl").routes());
    }

    private record Req(String method, String host, String path, String query, Map<String, String> headers)
            implements RoutingRequest {
        static Req get(String path) {
            return new Req("GET", "example.com", path, null, Map.of());
        }

        @Override
        public boolean hasHeader(String name, String value) {
            String v = headers.get(name);
            return v != null && (value == null || value.equals(v));
        }
    }

    @Test
    void prefixesAreSegmentAware() {
        assertTrue(CompiledRoute.isPrefix("/v2", "/v2"));
        assertTrue(CompiledRoute.isPrefix("/v2", "/v2/users"));
        assertFalse(CompiledRoute.isPrefix("/v2", "/v2x"));
        assertTrue(CompiledRoute.isPrefix("/api/", "/api/x"));
    }

    @Test
    void higherPriorityWinsOverDeclarationOrder() throws Exception {
        RouteTable t = table("""
                route "low" { priority "low"; matches { path-prefix "/" }; upstream "u" }
                route "crit" { priority "critical"; matches { path-prefix "/" }; upstream "u" }
                """);
        assertEquals("crit", t.match(Req.get("/x")).id());
    }

    @Test
    void tiesBreakByExactThenRegexThenLongerPrefix() throws Exception {
        RouteTable t = table("""
                route "short" { matches { path-prefix "/a" }; upstream "u" }
                route "long" { matches { path-prefix "/a/b" }; upstream "u" }
                route "regex" { matches { path-regex "^/a/b/c" }; upstream "u" }
                route "exact" { matches { path "/a/b/c/d" }; upstream "u" }
                """);
        assertEquals(java.util.List.of("exact", "regex", "long", "short"), t.order());
        assertEquals("long", t.match(Req.get("/a/b/x")).id());
        assertEquals("short", t.match(Req.get("/a")).id());
    }

    @Test
    void conditionsOfOneKindAreAlternativesAndKindsMustAllHold() throws Exception {
        RouteTable t = table("""
                route "r" { matches { path "/h1"; path "/h2"; method "POST" "PUT" }; upstream "u" }
                """);
        assertEquals("r", t.match(new Req("PUT", "", "/h2", null, Map.of())).id());
        assertNull(t.match(new Req("GET", "", "/h1", null, Map.of())));
    }

    @Test
    void hostsMatchExactlyByWildcardOrRegex() throws Exception {
        RouteTable t = table("""
                route "exact" { matches { host "api.example.com" }; upstream "u" }
                route "wild" { matches { host "*.example.com" }; upstream "u" }
                route "re" { matches { host "^v[0-9]+\\\\.test$" }; upstream "u" }
                """);
        assertEquals("exact", t.match(new Req("GET", "api.example.com", "/", null, Map.of())).id());
        assertEquals("wild", t.match(new Req("GET", "a.b.example.com", "/", null, Map.of())).id());
        assertNull(t.match(new Req("GET", "example.com", "/", null, Map.of())));
        assertEquals("re", t.match(new Req("GET", "v2.test", "/", null, Map.of())).id());
    }

    @Test
    void headerAndQueryConditions() throws Exception {
        RouteTable t = table("""
                route "hdr" { matches { header "X-Env" "prod" }; upstream "u" }
                route "qp" { matches { query-param "v" "2" }; upstream "u" }
                """);
        assertEquals("hdr", t.match(new Req("GET", "", "/", null, Map.of("X-Env", "prod"))).id());
        assertNull(t.match(new Req("GET", "", "/", null, Map.of("X-Env", "dev"))));
        assertEquals("qp", t.match(new Req("GET", "", "/", "a=1&v=2", Map.of())).id());
        assertNull(t.match(new Req("GET", "", "/", "v=20", Map.of())));
    }
}
