package dev.sentinel.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.tests.support.Ports;
import dev.sentinel.tests.support.Sentinel;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Upstream responses whose framing or syntax cannot be trusted become a 502 for the client, never relayed;
 * responses delimited by the upstream closing its connection are relayed whole, without a hang. The upstream
 * is a plain server socket writing exact bytes, chosen by the request path.
 */
class UpstreamResponseTest {
    /** An upstream header that must never reach the client of a refused response. */
    private static final String LEAK = "X-Upstream-Leak: 1\r\n";

    /** Larger than jetty-client's buffering limits, so that a relay that buffered the body would show. */
    private static final String BIG_BODY = "denied ".repeat(40_000);

    private static final Map<String, String> ANSWERS = Map.ofEntries(
            Map.entry("/transfer-encoding-then-content-length", "HTTP/1.1 200 OK\r\n" + LEAK
                    + "Transfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n2\r\nhi\r\n0\r\n\r\n"),
            Map.entry("/content-length-then-transfer-encoding", "HTTP/1.1 200 OK\r\n" + LEAK
                    + "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n"),
            Map.entry("/transfer-encoding-leading-comma", "HTTP/1.1 200 OK\r\n" + LEAK
                    + "Transfer-Encoding: ,chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n"),
            Map.entry("/transfer-encoding-unknown-coding", "HTTP/1.1 200 OK\r\n" + LEAK
                    + "Transfer-Encoding: gzip, chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n"),
            Map.entry("/transfer-encoding-without-chunked", "HTTP/1.1 200 OK\r\n" + LEAK
                    + "Transfer-Encoding: gzip\r\n\r\nhi"),
            Map.entry("/obs-fold", "HTTP/1.1 200 OK\r\n" + LEAK + "Content-Length: 2\r\nX-A: a\r\n b\r\n\r\nhi"),
            Map.entry("/space-before-colon", "HTTP/1.1 200 OK\r\n" + LEAK + "Content-Length : 2\r\n\r\nhi"),
            Map.entry("/name-with-space", "HTTP/1.1 200 OK\r\n" + LEAK + "Content-Length: 2\r\nX A: a\r\n\r\nhi"),
            Map.entry("/nul-in-value", "HTTP/1.1 200 OK\r\n" + LEAK + "Content-Length: 2\r\nX-A: a\u0000b\r\n\r\nhi"),
            Map.entry("/two-content-lengths", "HTTP/1.1 200 OK\r\n" + LEAK
                    + "Content-Length: 2\r\nContent-Length: 3\r\n\r\nhi"),
            Map.entry("/content-length-not-a-number", "HTTP/1.1 200 OK\r\n" + LEAK + "Content-Length: 2a\r\n\r\nhi"),
            Map.entry("/status-not-a-number", "HTTP/1.1 2x0 OK\r\n" + LEAK + "Content-Length: 2\r\n\r\nhi"),
            Map.entry("/status-of-four-digits", "HTTP/1.1 2000 OK\r\n" + LEAK + "Content-Length: 2\r\n\r\nhi"),
            Map.entry("/status-missing", "HTTP/1.1 OK\r\n" + LEAK + "Content-Length: 2\r\n\r\nhi"),
            Map.entry("/unknown-version", "HTTP/9.9 200 OK\r\n" + LEAK + "Content-Length: 2\r\n\r\nhi"),
            Map.entry("/not-http", "SSH-2.0-OpenSSH_9.6\r\n\r\n"),
            Map.entry("/chunk-size-not-hex", "HTTP/1.1 200 OK\r\n" + LEAK
                    + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhi\r\n0\r\n\r\n"),
            Map.entry("/headers-too-large", "HTTP/1.1 200 OK\r\n" + LEAK + "X-Big: " + "b".repeat(17_000)
                    + "\r\nContent-Length: 2\r\n\r\nhi"),
            Map.entry("/headers-that-fit", "HTTP/1.1 200 OK\r\nX-Big: " + "b".repeat(16_000)
                    + "\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi"),
            Map.entry("/not-modified", "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\nConnection: close\r\n\r\n"),
            Map.entry("/not-modified-with-length", "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n"
                    + "Content-Length: 1234\r\nConnection: close\r\n\r\n"),
            Map.entry("/head-of-chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"),
            Map.entry("/valid", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi"),
            Map.entry("/unauthorized", "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"upstream\"\r\n"
                    + "Content-Length: " + BIG_BODY.length() + "\r\nConnection: close\r\n\r\n" + BIG_BODY),
            Map.entry("/proxy-unauthorized", "HTTP/1.1 407 Proxy Authentication Required\r\n"
                    + "Proxy-Authenticate: Basic realm=\"upstream\"\r\nContent-Length: 2\r\nConnection: close\r\n\r\nno"),
            Map.entry("/redirect", "HTTP/1.1 302 Found\r\nLocation: /valid\r\nContent-Length: 5\r\n"
                    + "Connection: close\r\n\r\nmoved"),
            Map.entry("/early-hints", "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
                    + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi"),
            Map.entry("/processing", "HTTP/1.1 102 Processing\r\n\r\n"
                    + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi"),
            Map.entry("/unsolicited-continue", "HTTP/1.1 100 Continue\r\n\r\n"
                    + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi"),
            Map.entry("/unknown-interim", "HTTP/1.1 150 Unknown\r\n\r\n"
                    + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi"),
            Map.entry("/close-delimited-http10", "HTTP/1.0 200 OK\r\n\r\nuntil the end"),
            Map.entry("/close-delimited-http11", "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end"));

    @AutoClose
    private static ServerSocket upstream;
    @AutoClose
    private static Sentinel sentinel;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(UpstreamResponseTest::serve);
        port = Ports.free();
        sentinel = Sentinel.start("""
                system { worker-threads 1 }
                listeners { listener "main" { address "127.0.0.1:%d"; protocol "http" } }
                filters { filter "cors" { type "cors"; allowed-origins "https://app.example" } }
                routes {
                  route "all" { matches { path-prefix "/" }; upstream "raw" }
                  route "cors" { matches { path-prefix "/cors" }; upstream "raw"; filters "cors" }
                }
                upstreams { upstream "raw" { target "127.0.0.1:%d" } }
                """.formatted(port, upstream.getLocalPort()));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/transfer-encoding-then-content-length", "/content-length-then-transfer-encoding",
            "/transfer-encoding-leading-comma", "/transfer-encoding-unknown-coding",
            "/transfer-encoding-without-chunked", "/obs-fold", "/space-before-colon", "/name-with-space",
            "/nul-in-value", "/two-content-lengths", "/content-length-not-a-number", "/status-not-a-number",
            "/status-of-four-digits", "/status-missing", "/unknown-version", "/not-http", "/chunk-size-not-hex",
            "/headers-too-large"})
    void untrustworthyUpstreamResponseIsA502(String path) throws Exception {
        try (RawHttp1 raw = RawHttp1.open(port)) {
            RawHttp1.Response response = raw.send("GET " + path + " HTTP/1.1\r\nHost: t\r\n\r\n").read();
            assertEquals(502, response.status(), response.statusLine() + " " + response.text());
            assertTrue(response.text().contains("\"status\":502"), response.text());
            assertNull(response.header("X-Upstream-Leak"), "nothing of the refused response is relayed");
            assertEquals("close", response.header("Connection"));
        }
    }

    /** A browser can read the 502 only if it carries CORS headers, though the head they were made for is gone. */
    @Test
    void errorReplyForAResponseThatFailedAfterItsHeadKeepsTheCorsHeaders() throws Exception {
        try (RawHttp1 raw = RawHttp1.open(port)) {
            RawHttp1.Response response = raw.send("GET /cors/chunk-size-not-hex HTTP/1.1\r\nHost: t\r\n"
                    + "Origin: https://app.example\r\n\r\n").read();
            assertEquals(502, response.status(), response.statusLine() + " " + response.text());
            assertNull(response.header("X-Upstream-Leak"), "nothing of the refused response is relayed");
            assertEquals("https://app.example", response.header("Access-Control-Allow-Origin"));
        }
    }

    /** Up to 16 KB of upstream headers fit, with room to spare for Sentinel's own on the way out. */
    @Test
    void upstreamHeadersJustUnderTheLimitAreRelayed() throws Exception {
        RawHttp1.Response response = RawHttp1.get(port, "/headers-that-fit");
        assertEquals(200, response.status(), response.statusLine() + " " + response.text());
        assertEquals(16_000, response.header("X-Big").length());
        assertEquals("hi", response.text());
    }

    /**
     * A 304 carries a Content-Length only as the length of the 200 it stands for (RFC 9110 8.6): the
     * upstream's is relayed, none is made up, and no body is expected after it.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/not-modified", "/not-modified-with-length"})
    void notModifiedKeepsTheUpstreamsContentLengthOrNone(String path) throws Exception {
        try (RawHttp1 raw = RawHttp1.open(port)) {
            RawHttp1.Response response = raw.send("GET " + path + " HTTP/1.1\r\nHost: t\r\n\r\n").read();
            assertEquals(304, response.status());
            assertEquals("\"v1\"", response.header("ETag"));
            assertEquals(path.endsWith("with-length") ? "1234" : null, response.header("Content-Length"));
            assertStillUsable(raw, "nothing is left to read after the 304");
        }
    }

    /** The answer to a HEAD is a GET's head without content: no length is made up for it either. */
    @Test
    void headAnsweredWithoutALengthGetsNoneMadeUp() throws Exception {
        try (RawHttp1 raw = RawHttp1.open(port)) {
            RawHttp1.Response response = raw.send("HEAD /head-of-chunked HTTP/1.1\r\nHost: t\r\n\r\n").read(false);
            assertEquals(200, response.status());
            assertNull(response.header("Content-Length"));
            assertStillUsable(raw, "nothing is left to read after the head");
        }
    }

    @Test
    void validUpstreamResponseIsRelayed() throws Exception {
        try (RawHttp1 raw = RawHttp1.open(port)) {
            RawHttp1.Response response = raw.send("GET /valid HTTP/1.1\r\nHost: t\r\n\r\n").read();
            assertEquals(200, response.status());
            assertEquals("hi", response.text());
        }
    }

    /** Sentinel is not the upstream's client: an authentication challenge is the client's to answer. */
    @Test
    void authenticationChallengeIsRelayedWithItsWholeBody() throws Exception {
        RawHttp1.Response unauthorized = RawHttp1.get(port, "/unauthorized");
        assertEquals(401, unauthorized.status());
        assertEquals("Basic realm=\"upstream\"", unauthorized.header("WWW-Authenticate"));
        assertEquals(BIG_BODY, unauthorized.text());

        RawHttp1.Response proxyUnauthorized = RawHttp1.get(port, "/proxy-unauthorized");
        assertEquals(407, proxyUnauthorized.status());
        assertNull(proxyUnauthorized.header("Proxy-Authenticate"), "a challenge for the next hop only (RFC 9110 11.7.1)");
        assertEquals("no", proxyUnauthorized.text());
    }

    @Test
    void redirectIsRelayedNotFollowed() throws Exception {
        RawHttp1.Response response = RawHttp1.get(port, "/redirect");
        assertEquals(302, response.status());
        assertEquals("/valid", response.header("Location"));
        assertEquals("moved", response.text());
    }

    /** A 1xx before the final response is informational: the client gets the final response whole. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/early-hints", "/processing", "/unsolicited-continue", "/unknown-interim"})
    void interimResponseIsFollowedByTheFinalOne(String path) throws Exception {
        try (RawHttp1 raw = RawHttp1.open(port)) {
            RawHttp1.Response response = raw.send("GET " + path + " HTTP/1.1\r\nHost: t\r\n\r\n").read();
            while (response.status() / 100 == 1) {
                response = raw.read();
            }
            assertEquals(200, response.status(), response.statusLine());
            assertEquals("hi", response.text());
            assertStillUsable(raw, "the client connection stays usable");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/close-delimited-http10", "/close-delimited-http11"})
    void closeDelimitedResponseReachesAnHttp11ClientWholeAndFramed(String path) throws Exception {
        try (RawHttp1 raw = RawHttp1.open(port)) {
            RawHttp1.Response response = raw.send("GET " + path + " HTTP/1.1\r\nHost: t\r\n\r\n").read();
            assertEquals(200, response.status());
            assertEquals("until the end", response.text());
            assertStillUsable(raw, "the re-framed response leaves the client connection usable");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/close-delimited-http10", "/close-delimited-http11"})
    void closeDelimitedResponseReachesAnHttp10ClientWholeThenCloses(String path) throws Exception {
        try (RawHttp1 raw = RawHttp1.open(port)) {
            RawHttp1.Response response = raw.send("GET " + path + " HTTP/1.0\r\n\r\n").read();
            assertEquals(200, response.status());
            assertEquals("until the end", response.text());
            assertTrue(raw.closedByPeer());
        }
    }

    /** A second request on {@code raw} gets its whole answer: nothing of the first was left unread. */
    private static void assertStillUsable(RawHttp1 raw, String why) throws IOException {
        assertEquals("hi", raw.send("GET /valid HTTP/1.1\r\nHost: t\r\n\r\n").read().text(), why);
    }

    /**
     * Answers each connection with the bytes its request path names, then closes it. Well-formed answers say
     * {@code Connection: close}, so Sentinel never reuses a connection this server is closing.
     */
    private static void serve() {
        while (!upstream.isClosed()) {
            try (Socket socket = upstream.accept()) {
                InputStream in = new BufferedInputStream(socket.getInputStream());
                String requestLine = RawHttp1.line(in);
                for (String line = RawHttp1.line(in); line != null && !line.isEmpty(); line = RawHttp1.line(in)) {
                    // the rest of the head is not needed
                }
                String path = requestLine == null ? "" : requestLine.split(" ")[1].replaceFirst("^/cors/", "/");
                String answer = ANSWERS.getOrDefault(path, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                socket.getOutputStream().write(answer.getBytes(StandardCharsets.ISO_8859_1));
            } catch (IOException e) {
                // the socket closes at the end of the class
            }
        }
    }
}
