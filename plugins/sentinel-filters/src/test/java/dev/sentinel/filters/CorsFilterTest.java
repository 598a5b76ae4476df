package dev.sentinel.filters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sentinel.filters.Fixtures.MapConfig;
import dev.sentinel.filters.Fixtures.Request;
import dev.sentinel.filters.Fixtures.Response;
import dev.sentinel.spi.ConfigException;
import dev.sentinel.spi.Decision;
import dev.sentinel.spi.Filter;
import java.util.List;
import org.junit.jupiter.api.Test;

class CorsFilterTest {
    private static final String APP = "https://app.example.com";

    private static Filter filter(Object... config) throws ConfigException {
        return new CorsFilter.Provider().create(MapConfig.of(config));
    }

    private static Request preflight(String origin) {
        Request request = new Request().with("Origin", origin).with("Access-Control-Request-Method", "PUT");
        request.method = "OPTIONS";
        return request;
    }

    @Test
    void theDefaultsAnswerAPreflightFromAnyOriginWithZentinelsMethodsAndMaxAge() throws Exception {
        Decision.Respond answer = assertInstanceOf(Decision.Respond.class,
                filter().onRequest(preflight("https://x.test").with("Access-Control-Request-Headers", "X-A, X-B")));
        assertEquals(204, answer.status());
        assertNull(answer.body());
        assertEquals("*", answer.headers().get("Access-Control-Allow-Origin"));
        assertEquals("GET, POST, PUT, DELETE, OPTIONS, HEAD, PATCH", answer.headers().get("Access-Control-Allow-Methods"));
        assertEquals("X-A, X-B", answer.headers().get("Access-Control-Allow-Headers"), "mirrored when not configured");
        assertEquals("86400", answer.headers().get("Access-Control-Max-Age"));
        assertNull(answer.headers().get("Access-Control-Allow-Credentials"));
    }

    @Test
    void aListedOriginIsEchoedWithCredentialsAndTheConfiguredHeaders() throws Exception {
        Filter filter = filter("allowed-origins", List.of(APP), "allowed-methods", List.of("GET", "PUT"),
                "allowed-headers", List.of("Content-Type"), "exposed-headers", List.of("X-Total"),
                "allow-credentials", true, "max-age-secs", 600);
        Decision.Respond answer = assertInstanceOf(Decision.Respond.class, filter.onRequest(preflight(APP)));
        assertEquals(APP, answer.headers().get("Access-Control-Allow-Origin"));
        assertEquals("GET, PUT", answer.headers().get("Access-Control-Allow-Methods"));
        assertEquals("Content-Type", answer.headers().get("Access-Control-Allow-Headers"));
        assertEquals("true", answer.headers().get("Access-Control-Allow-Credentials"));
        assertEquals("600", answer.headers().get("Access-Control-Max-Age"));
        assertEquals("Origin, Access-Control-Request-Method", answer.headers().get("Vary"));

        Request get = new Request().with("Origin", APP);
        assertEquals(Decision.allow(), filter.onRequest(get));
        Response response = new Response();
        response.setHeader("Access-Control-Allow-Origin", "*");
        response.addHeader("Vary", "Accept-Encoding");
        filter.onResponse(get, response);
        assertEquals(List.of(APP), response.headers("Access-Control-Allow-Origin"), "replaces the upstream's");
        assertEquals("true", response.header("Access-Control-Allow-Credentials"));
        assertEquals("X-Total", response.header("Access-Control-Expose-Headers"));
        assertEquals(List.of("Accept-Encoding", "Origin"), response.headers("Vary"));
    }

    @Test
    void anOriginNotListedGoesOnWithoutCorsHeadersButTheResponseStillVariesByOrigin() throws Exception {
        Filter filter = filter("allowed-origins", List.of(APP));
        assertEquals(Decision.allow(), filter.onRequest(preflight("https://evil.test")), "the upstream decides");
        Request get = new Request().with("Origin", "https://evil.test");
        Response response = new Response();
        filter.onResponse(get, response);
        assertNull(response.header("Access-Control-Allow-Origin"));
        assertEquals("Origin", response.header("Vary"));
    }

    @Test
    void requestsWithoutOriginAndNonPreflightOptionsAreNotAnswered() throws Exception {
        Filter filter = filter();
        Request options = new Request().with("Origin", APP);
        options.method = "OPTIONS";
        assertEquals(Decision.allow(), filter.onRequest(options), "no Access-Control-Request-Method");
        Request plain = new Request();
        assertEquals(Decision.allow(), filter.onRequest(plain));
        Response response = new Response();
        filter.onResponse(plain, response);
        assertNull(response.header("Access-Control-Allow-Origin"));
        assertNull(response.header("Vary"), "with \"*\" the answer does not depend on Origin");

        Request get = new Request().with("Origin", APP);
        filter.onResponse(get, response);
        assertEquals("*", response.header("Access-Control-Allow-Origin"));
    }

    @Test
    void credentialsWithAnyOriginAndMalformedValuesAreRefusedAtLoad() {
        assertRefused("allow-credentials", "allow-credentials", true);
        assertRefused("allowed-origins", "allowed-origins", List.of("https://app.example.com/"));
        assertRefused("allowed-origins", "allowed-origins", List.of("app.example.com"));
        assertRefused("allowed-methods", "allowed-methods", List.of("GET POST"));
        assertRefused("allowed-headers", "allowed-headers", List.of("X A"));
        assertRefused("max-age-secs", "max-age-secs", -1);
    }

    private static void assertRefused(String key, Object... config) {
        ConfigException e = assertThrows(ConfigException.class, () -> filter(config));
        assertEquals(key, e.key(), e.reason());
    }
}
