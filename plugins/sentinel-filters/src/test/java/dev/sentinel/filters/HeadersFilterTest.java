package dev.sentinel.filters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sentinel.filters.Fixtures.MapConfig;
import dev.sentinel.filters.Fixtures.Request;
import dev.sentinel.filters.Fixtures.Response;
import dev.sentinel.spi.ConfigException;
import dev.sentinel.spi.Decision;
import dev.sentinel.spi.Filter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeadersFilterTest {
    private static Filter filter(Object... config) throws ConfigException {
        return new HeadersFilter.Provider().create(MapConfig.of(config));
    }

    private static Map<String, String> pairs(String... namesAndValues) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            pairs.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return pairs;
    }

    @Test
    void renameThenSetThenAddThenRemoveOnTheRequestByDefault() throws Exception {
        Filter filter = filter("rename", pairs("X-Old", "X-New"), "set", pairs("X-Set", "s", "X-New", "overwritten"),
                "add", pairs("X-Add", "2"), "remove", List.of("X-Gone", "X-Add"));
        Request request = new Request().with("X-Old", "o1").with("X-Old", "o2").with("X-Set", "before")
                .with("X-Gone", "g").with("X-Add", "1");
        assertEquals(Decision.allow(), filter.onRequest(request));
        assertNull(request.header("X-Old"));
        assertEquals(List.of("overwritten"), request.headers("X-New"), "set runs after rename");
        assertEquals(List.of("s"), request.headers("X-Set"));
        assertNull(request.header("X-Gone"));
        assertNull(request.header("X-Add"), "remove runs last, after add");

        Response response = new Response();
        response.addHeader("X-Old", "kept");
        filter.onResponse(request, response);
        assertEquals("kept", response.header("X-Old"), "phase request leaves the response alone");
    }

    @Test
    void renameMovesEveryValue() throws Exception {
        Request request = new Request().with("X-Old", "o1").with("X-Old", "o2").with("X-New", "stale");
        filter("rename", pairs("X-Old", "X-New")).onRequest(request);
        assertEquals(List.of("o1", "o2"), request.headers("X-New"));
    }

    @Test
    void phaseResponseEditsOnlyTheResponseAndBothEditsBoth() throws Exception {
        Filter response = filter("phase", "response", "set", pairs("X-Frame-Options", "DENY"),
                "add", pairs("Cache-Control", "no-store"), "remove", List.of("Server"));
        Request request = new Request();
        response.onRequest(request);
        assertNull(request.header("X-Frame-Options"));
        Response answer = new Response();
        answer.addHeader("Server", "upstream");
        answer.addHeader("Cache-Control", "private");
        response.onResponse(request, answer);
        assertEquals("DENY", answer.header("X-Frame-Options"));
        assertEquals(List.of("private", "no-store"), answer.headers("Cache-Control"));
        assertNull(answer.header("Server"));

        Filter both = filter("phase", "both", "set", pairs("X-B", "1"));
        both.onRequest(request);
        both.onResponse(request, answer);
        assertEquals("1", request.header("X-B"));
        assertEquals("1", answer.header("X-B"));
    }

    @Test
    void headersThatCannotBeWrittenAreRefusedAtLoad() {
        assertRefused("set", "set", pairs("Content-Length", "1"));
        assertRefused("add", "add", pairs("Bad Name", "1"));
        assertRefused("set", "set", pairs("X-A", "a\u0001b"));
        assertRefused("remove", "remove", List.of("Transfer-Encoding"));
        assertRefused("rename", "rename", pairs("X-A", "Proxy-Authorization"));
        assertRefused("phase", "phase", "upstream");
    }

    private static void assertRefused(String key, Object... config) {
        ConfigException e = assertThrows(ConfigException.class, () -> filter(config));
        assertEquals(key, e.key(), e.reason());
    }
}
