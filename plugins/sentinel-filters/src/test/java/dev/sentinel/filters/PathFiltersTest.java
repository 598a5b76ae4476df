package dev.sentinel.filters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sentinel.filters.Fixtures.MapConfig;
import dev.sentinel.filters.Fixtures.Request;
import dev.sentinel.spi.ConfigException;
import dev.sentinel.spi.Decision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code redirect} and {@code url-rewrite}, and the path modifier they share. */
class PathFiltersTest {
    /** Gateway API's table for ReplacePrefixMatch (HTTPPathModifier), plus Zentinel's "/" for other matches. */
    @ParameterizedTest(name = "{0} with prefix {1} replaced by \"{2}\" is {3}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "/foo/bar | /foo  | /xyz  | /xyz/bar",
            "/foo/bar | /foo  | /xyz/ | /xyz/bar",
            "/foo/bar | /foo/ | /xyz  | /xyz/bar",
            "/foo/bar | /foo/ | /xyz/ | /xyz/bar",
            "/foo     | /foo  | /xyz  | /xyz",
            "/foo/    | /foo  | /xyz  | /xyz/",
            "/foo/bar | /foo  | ''    | /bar",
            "/foo/    | /foo  | ''    | /",
            "/foo     | /foo  | ''    | /",
            "/foo/    | /foo  | /     | /",
            "/foo     | /foo  | /     | /",
            "/a/b     | /     | /v2   | /v2/a/b",
            "/a/b     | null  | /v2   | /v2/a/b",
            "/%66oo/b | /foo  | /xyz  | null",
            "/foobar  | /foo  | /xyz  | null"})
    void replacePrefixMatch(String path, String prefix, String replacement, String expected) {
        assertEquals(expected, new PathModifier.ReplacePrefixMatch(replacement).apply(path, prefix));
    }

    @Test
    void redirectKeepsWhatIsNotReplacedIncludingTheQuery() throws Exception {
        Request request = new Request();
        request.path = "/old/page";
        request.query = "a=1&b=2";
        request.matchedPathPrefix = "/old";
        request.with("Host", "example.com:8080");
        assertEquals(new Decision.Redirect(302, "http://example.com:8080/new/page?a=1&b=2"),
                redirect("replace-prefix-match", "/new").onRequest(request));
        assertEquals(new Decision.Redirect(301, "https://example.com/old/page?a=1&b=2"),
                redirect("scheme", "https", "status-code", 301).onRequest(request),
                "a new scheme brings its default port");
        assertEquals(new Decision.Redirect(308, "https://www.example.org:8443/?a=1&b=2"),
                redirect("status-code", 308, "scheme", "https", "hostname", "www.example.org", "port", 8443,
                        "replace-full-path", "/").onRequest(request));
        assertEquals(new Decision.Redirect(302, "http://example.com/old/page?a=1&b=2"),
                redirect("port", 80).onRequest(request), "a default port is not written");
    }

    @Test
    void redirectOfAPathThatDoesNotStartWithTheMatchedPrefixIsABadRequest() throws Exception {
        Request request = new Request();
        request.path = "/%6Fld/page";
        request.matchedPathPrefix = "/old";
        assertEquals(400, assertInstanceOf(Decision.Deny.class,
                redirect("replace-prefix-match", "/new").onRequest(request)).status());
    }

    @Test
    void redirectConfigErrors() {
        assertRefused(() -> redirect(), null);
        assertRefused(() -> redirect("scheme", "ftp"), "scheme");
        assertRefused(() -> redirect("status-code", 304, "scheme", "https"), "status-code");
        assertRefused(() -> redirect("hostname", "a.test:80"), "hostname");
        assertRefused(() -> redirect("replace-full-path", "/a", "replace-prefix-match", "/b"), "replace-prefix-match");
        assertRefused(() -> redirect("replace-full-path", "relative"), "replace-full-path");
        assertRefused(() -> redirect("replace-full-path", "/a?b"), "replace-full-path");
    }

    @Test
    void urlRewriteSetsHostAndPathAndKeepsTheQuery() throws Exception {
        Request request = new Request().with("Host", "public.example.com");
        request.path = "/api/v1/users";
        request.query = "page=2";
        request.matchedPathPrefix = "/api/v1";
        assertEquals(Decision.allow(), rewrite("hostname", "internal.svc", "replace-prefix-match", "/v1")
                .onRequest(request));
        assertEquals("internal.svc", request.header("Host"));
        assertEquals("/v1/users", request.path);
        assertEquals("page=2", request.query);

        rewrite("replace-full-path", "/fixed").onRequest(request);
        assertEquals("/fixed", request.path);
        assertEquals("page=2", request.query);
    }

    @Test
    void urlRewriteWithOnlyAHostLeavesThePath() throws Exception {
        Request request = new Request();
        request.path = "/x";
        rewrite("hostname", "[2001:db8::1]").onRequest(request);
        assertEquals("/x", request.path);
        assertEquals("[2001:db8::1]", request.header("Host"));
        assertNull(request.query);
    }

    private static dev.sentinel.spi.Filter redirect(Object... config) throws ConfigException {
        return new RedirectFilter.Provider().create(MapConfig.of(config));
    }

    private static dev.sentinel.spi.Filter rewrite(Object... config) throws ConfigException {
        return new UrlRewriteFilter.Provider().create(MapConfig.of(config));
    }

    private interface Creation {
        void run() throws Exception;
    }

    private static void assertRefused(Creation creation, String key) {
        ConfigException e = assertThrows(ConfigException.class, creation::run);
        assertEquals(key, e.key(), e.reason());
    }
}
