package dev.sentinel.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.tests.support.Backend;
import dev.sentinel.tests.support.Ports;
import dev.sentinel.tests.support.Sentinel;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the backend receives on the forwarded request, and what the client receives on the response. */
class ForwardingHeadersTest {
    private static final String CONFIG = """
            system { worker-threads 1; %s }
            listeners { listener "main" { address "127.0.0.1:%d"; protocol "http" } }
            routes {
              route "policy" {
                matches { path-prefix "/policy" }
                upstream "be"
                policies {
                  request-headers { set { "X-A" "1" }; add { "X-B" "2" }; remove "X-Drop"; rename { "X-Old" "X-New" } }
                  response-headers { set { "X-R" "r" }; add { "X-Added" "yes" }; remove "X-Upstream-Secret" }
                }
              }
              route "dead" { matches { path-prefix "/dead" }; upstream "dead" }
              route "all" { matches { path-prefix "/" }; upstream "be" }
            }
            upstreams {
              upstream "be" { target "%s" }
              upstream "dead" { target "127.0.0.1:%d" }
            }
            """;

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    @AutoClose
    private static Backend backend;
    @AutoClose
    private static Sentinel sentinel;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        backend = Backend.start((r, response, callback) -> {
            if (r.uri().startsWith("/own-policies")) {
                response.getHeaders().put("X-Frame-Options", "SAMEORIGIN");
                response.getHeaders().put("X-Correlation-Id", "set-by-upstream");
            }
            if (r.uri().startsWith("/cookies")) {
                response.getHeaders().add("Set-Cookie", "a=1; Path=/; HttpOnly");
                response.getHeaders().add("Set-Cookie", "t=\"abc\"; Path=/");
                response.getHeaders().add("X-Multi", "one");
                response.getHeaders().add("X-Multi", "two");
            }
            if (r.uri().startsWith("/policy")) {
                response.getHeaders().put("X-R", "from-upstream");
                response.getHeaders().put("X-Upstream-Secret", "s3cret");
            }
            Backend.text(response, callback, 200, r.bodyText());
        });
        port = Ports.free();
        sentinel = Sentinel.start(CONFIG.formatted("", port, backend.address(), Ports.free()));
    }

    @Test
    void forwardedForIsAppendedToTheIncomingChain() throws Exception {
        get("/xff", "X-Forwarded-For", "1.2.3.4");
        assertEquals("1.2.3.4, 127.0.0.1", received("/xff").header("X-Forwarded-For"));
        get("/xff-none");
        assertEquals("127.0.0.1", received("/xff-none").header("X-Forwarded-For"));
    }

    @Test
    void forwardedForJoinsSeveralIncomingHeaderLinesInOrder() throws Exception {
        RawHttp1.Response response = RawHttp1.exchange(port, """
                GET /xff-lines HTTP/1.1\r
                Host: test\r
                X-Forwarded-For: 1.1.1.1\r
                X-Forwarded-For: 2.2.2.2, 3.3.3.3\r
                Connection: close\r
                \r
                """);
        assertEquals(200, response.status());
        assertEquals(List.of("1.1.1.1, 2.2.2.2, 3.3.3.3, 127.0.0.1"),
                received("/xff-lines").headers().getValuesList("X-Forwarded-For"));
    }

    @Test
    void repeatedResponseHeadersReachTheClientSeparately() throws Exception {
        HttpResponse<String> response = get("/cookies");
        assertEquals(List.of("one", "two"), response.headers().allValues("X-Multi"));
        List<String> cookies = response.headers().allValues("Set-Cookie");
        assertEquals(2, cookies.size(), cookies.toString());
        assertTrue(cookies.get(0).startsWith("a=1") && cookies.get(1).startsWith("t="), cookies.toString());
    }

    @Test
    void setCookieHeadersPassThroughVerbatim() throws Exception {
        HttpResponse<String> response = get("/cookies/verbatim");
        assertEquals(List.of("a=1; Path=/; HttpOnly", "t=\"abc\"; Path=/"), response.headers().allValues("Set-Cookie"));
    }

    @Test
    void forwardingHeadersDescribeTheClientRequestAndHostIsPreserved() throws Exception {
        RawHttp1.Response response = RawHttp1.exchange(port, """
                GET /described HTTP/1.1\r
                Host: shop.example.com:8443\r
                Connection: close\r
                \r
                """);
        assertEquals(200, response.status());
        Backend.Received received = received("/described");
        assertEquals("shop.example.com:8443", received.header("Host"));
        assertEquals("shop.example.com:8443", received.header("X-Forwarded-Host"));
        assertEquals("http", received.header("X-Forwarded-Proto"));
        assertEquals("Sentinel", received.header("X-Forwarded-By"));
        assertEquals("127.0.0.1", received.header("X-Forwarded-For"));
    }

    @Test
    void forgedForwardingHeadersFromTheClientAreReplaced() throws Exception {
        get("/forged", "X-Forwarded-Proto", "https", "X-Forwarded-Host", "evil.example",
                "X-Forwarded-By", "Mallory");
        Backend.Received received = received("/forged");
        assertEquals(List.of("http"), received.headers().getValuesList("X-Forwarded-Proto"));
        assertEquals(List.of("127.0.0.1:" + port), received.headers().getValuesList("X-Forwarded-Host"));
        assertEquals(List.of("Sentinel"), received.headers().getValuesList("X-Forwarded-By"));
    }

    @Test
    void incomingRequestIdBecomesTheTraceIdOnBothLegs() throws Exception {
        HttpResponse<String> response = get("/traced", "X-Request-Id", "abc-123");
        Backend.Received received = received("/traced");
        assertEquals("abc-123", received.header("X-Trace-Id"));
        assertEquals("abc-123", received.header("X-Correlation-Id"));
        assertEquals(List.of("abc-123"), response.headers().allValues("X-Correlation-Id"));
    }

    @Test
    void incomingTraceIdTakesPrecedenceOverRequestId() throws Exception {
        HttpResponse<String> response = get("/precedence", "X-Request-Id", "r-1", "X-Trace-Id", "t-1");
        assertEquals("t-1", received("/precedence").header("X-Trace-Id"));
        assertEquals("t-1", response.headers().firstValue("X-Correlation-Id").orElseThrow());
    }

    @Test
    void withoutAnIncomingIdAGenerated32HexIdIsSharedByBothLegs() throws Exception {
        HttpResponse<String> response = get("/generated");
        Backend.Received received = received("/generated");
        String traceId = received.header("X-Trace-Id");
        assertTrue(traceId.matches("[0-9a-f]{32}"), traceId);
        assertEquals(traceId, received.header("X-Correlation-Id"));
        assertEquals(List.of(traceId), response.headers().allValues("X-Correlation-Id"));

        get("/generated-again");
        assertNotEquals(traceId, received("/generated-again").header("X-Trace-Id"));
    }

    @Test
    void unsafeIncomingIdIsReplacedByAGeneratedOne() throws Exception {
        HttpResponse<String> response = get("/unsafe", "X-Request-Id", "<script>alert(1)</script>");
        String traceId = received("/unsafe").header("X-Trace-Id");
        assertTrue(traceId.matches("[0-9a-f]{32}"), traceId);
        assertEquals(traceId, response.headers().firstValue("X-Correlation-Id").orElseThrow());
    }

    @Test
    void upstreamCannotOverrideTheCorrelationId() throws Exception {
        HttpResponse<String> response = get("/own-policies/cid", "X-Request-Id", "mine-1");
        assertEquals(List.of("mine-1"), response.headers().allValues("X-Correlation-Id"));
    }

    @Test
    void hopByHopHeadersAndThoseNamedByConnectionAreNotForwarded() throws Exception {
        RawHttp1.Response response = RawHttp1.exchange(port, """
                POST /hop HTTP/1.1\r
                Host: 127.0.0.1\r
                Connection: close, Upgrade, X-Secret\r
                X-Secret: s3cret\r
                Keep-Alive: timeout=5\r
                TE: trailers\r
                Trailer: X-Checksum\r
                Upgrade: example/1\r
                Proxy-Connection: keep-alive\r
                X-Kept: yes\r
                Transfer-Encoding: chunked\r
                \r
                5\r
                hello\r
                0\r
                \r
                """);
        assertEquals(200, response.status(), response.text());
        Backend.Received received = received("/hop");
        assertEquals("hello", received.bodyText());
        assertEquals("yes", received.header("X-Kept"));
        for (String name : List.of("X-Secret", "Keep-Alive", "TE", "Trailer", "Upgrade", "Proxy-Connection")) {
            assertNull(received.header(name), name + " was forwarded: " + received.header(name));
        }
        String connection = received.header("Connection");
        assertTrue(connection == null || !connection.toLowerCase(Locale.ROOT).contains("x-secret"), connection);
        String transferEncoding = received.header("Transfer-Encoding");
        assertTrue(transferEncoding == null || transferEncoding.equalsIgnoreCase("chunked"), transferEncoding);
    }

    @Test
    void hopByHopResponseHeadersAndThoseNamedByConnectionAreNotReturned() throws Exception {
        byte[] answer = """
                HTTP/1.1 200 OK\r
                Content-Length: 2\r
                Connection: close, X-Internal\r
                X-Internal: secret\r
                Keep-Alive: timeout=5\r
                Proxy-Connection: keep-alive\r
                X-Public: yes\r
                \r
                hi""".getBytes(StandardCharsets.ISO_8859_1);
        int rawPort;
        try (ServerSocket raw = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            rawPort = raw.getLocalPort();
            Thread.ofVirtual().start(() -> {
                while (!raw.isClosed()) {
                    try (Socket s = raw.accept()) {
                        InputStream in = new BufferedInputStream(s.getInputStream());
                        for (String line = RawHttp1.line(in); line != null && !line.isEmpty(); line = RawHttp1.line(in)) {
                            // skip the request head
                        }
                        s.getOutputStream().write(answer);
                    } catch (IOException e) {
                        // closed at the end of the test
                    }
                }
            });
            int rawListener = Ports.free();
            try (Sentinel proxy = Sentinel.start("""
                    system { worker-threads 1 }
                    listeners { listener "main" { address "127.0.0.1:%d"; protocol "http" } }
                    routes { route "all" { matches { path-prefix "/" }; upstream "raw" } }
                    upstreams { upstream "raw" { target "127.0.0.1:%d" } }
                    """.formatted(rawListener, rawPort))) {
                HttpResponse<String> response = send(rawListener, "/raw");
                assertEquals(200, response.statusCode());
                assertEquals("hi", response.body());
                assertEquals("yes", response.headers().firstValue("X-Public").orElse(null));
                assertTrue(response.headers().firstValue("Keep-Alive").isEmpty());
                assertTrue(response.headers().firstValue("Proxy-Connection").isEmpty());
                assertTrue(response.headers().firstValue("X-Internal").isEmpty(),
                        "X-Internal: " + response.headers().firstValue("X-Internal").orElse(null));
            }
        }
    }

    @Test
    void securityHeadersAreAddedToProxiedResponses() throws Exception {
        HttpResponse<String> response = get("/plain");
        assertEquals(List.of("nosniff"), response.headers().allValues("X-Content-Type-Options"));
        assertEquals(List.of("DENY"), response.headers().allValues("X-Frame-Options"));
    }

    @Test
    void securityHeadersAreAddedToSentinelsOwnErrors() throws Exception {
        HttpResponse<String> response = get("/dead");
        assertEquals(502, response.statusCode());
        assertEquals(List.of("nosniff"), response.headers().allValues("X-Content-Type-Options"));
        assertEquals(List.of("DENY"), response.headers().allValues("X-Frame-Options"));
    }

    @Test
    void upstreamsOwnFrameOptionsWins() throws Exception {
        HttpResponse<String> response = get("/own-policies");
        assertEquals(List.of("SAMEORIGIN"), response.headers().allValues("X-Frame-Options"));
        assertEquals(List.of("nosniff"), response.headers().allValues("X-Content-Type-Options"));
    }

    @Test
    void securityHeadersCanBeTurnedOff() throws Exception {
        int offPort = Ports.free();
        try (Sentinel off = Sentinel.start(CONFIG.formatted("security-headers #false", offPort, backend.address(),
                Ports.free()))) {
            HttpResponse<String> response = send(offPort, "/no-security", "X-Request-Id", "off-1");
            assertEquals(200, response.statusCode());
            assertTrue(response.headers().firstValue("X-Content-Type-Options").isEmpty());
            assertTrue(response.headers().firstValue("X-Frame-Options").isEmpty());
            assertEquals("off-1", response.headers().firstValue("X-Correlation-Id").orElseThrow());

            HttpResponse<String> own = send(offPort, "/own-policies/off");
            assertEquals(List.of("SAMEORIGIN"), own.headers().allValues("X-Frame-Options"));
        }
    }

    @Test
    void routeRequestHeaderPoliciesEditTheUpstreamRequest() throws Exception {
        get("/policy/req", "X-A", "0", "X-B", "1", "X-Drop", "gone", "X-Old", "v", "X-Other", "kept");
        Backend.Received received = received("/policy/req");
        assertEquals(List.of("1"), received.headers().getValuesList("X-A"), "set replaces");
        assertEquals(List.of("1", "2"), received.headers().getValuesList("X-B"), "add appends");
        assertNull(received.header("X-Drop"));
        assertNull(received.header("X-Old"));
        assertEquals("v", received.header("X-New"));
        assertEquals("kept", received.header("X-Other"));
        get("/elsewhere", "X-Drop", "stays");
        assertEquals("stays", received("/elsewhere").header("X-Drop"), "other routes are not edited");
    }

    @Test
    void routeResponseHeaderPoliciesEditTheClientResponseOnly() throws Exception {
        HttpResponse<String> response = get("/policy/resp");
        assertEquals(List.of("r"), response.headers().allValues("X-R"), "set replaces the upstream's value");
        assertEquals(List.of("yes"), response.headers().allValues("X-Added"));
        assertTrue(response.headers().firstValue("X-Upstream-Secret").isEmpty());
        Backend.Received received = received("/policy/resp");
        assertNull(received.header("X-R"), "response edits are not sent upstream");
        assertNull(received.header("X-Added"));
    }

    private static HttpResponse<String> get(String path, String... headers) throws Exception {
        return send(port, path, headers);
    }

    private static HttpResponse<String> send(int listenerPort, String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + listenerPort + path));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The backend's record of the request for {@code uri}, skipping records left by other tests. */
    private static Backend.Received received(String uri) throws InterruptedException {
        while (true) {
            Backend.Received received = backend.take();
            if (received.uri().equals(uri)) {
                return received;
            }
        }
    }
}
