package dev.sentinel.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.tests.MalformedRequestCorpus.Case;
import dev.sentinel.tests.support.Backend;
import dev.sentinel.tests.support.Ports;
import dev.sentinel.tests.support.Sentinel;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * HTTP/1.1 correctness at the front door: every malformed or hostile request of {@link MalformedRequestCorpus}
 * gets its status, loses its connection where framing is in doubt, is counted as refused, and never reaches
 * the backend. Well-formed edge cases (HTTP/1.0, upgrade requests) are served, with nothing hop-by-hop
 * forwarded.
 */
class MalformedRequestsTest {
    /** Long enough for a forwarded request to arrive on loopback, short enough for a corpus of 80 and more. */
    private static final Duration NOTHING_WINDOW = Duration.ofMillis(300);

    /** Behind the catch-all route every corpus request targets: must never receive anything. */
    @AutoClose
    private static Backend guard;
    /** Behind {@code /ok}, for the requests that must be served. */
    @AutoClose
    private static Backend ok;
    @AutoClose
    private static Sentinel sentinel;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        guard = Backend.echo();
        ok = Backend.echo();
        port = Ports.free();
        sentinel = Sentinel.start("""
                system { worker-threads 1 }
                listeners { listener "main" { address "127.0.0.1:%d"; protocol "http" } }
                limits { max-body-size-bytes 1024 }
                routes {
                  route "health" { priority "critical"; matches { path "/_health" }; builtin-handler "health" }
                  route "metrics" { priority "critical"; matches { path "/_metrics" }; builtin-handler "metrics" }
                  route "ok" { priority "high"; matches { path-prefix "/ok" }; upstream "ok" }
                  route "guarded" { matches { path-prefix "/" }; upstream "guard" }
                }
                upstreams {
                  upstream "ok" { target "%s" }
                  upstream "guard" { target "%s" }
                }
                """.formatted(port, ok.address(), guard.address()));
    }

    static List<Case> corpus() {
        return MalformedRequestCorpus.cases();
    }

    @Test
    void theCorpusHasAtLeastFortyCases() {
        assertTrue(corpus().size() >= 40, "corpus size " + corpus().size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void malformedRequestIsRefusedAndNeverForwarded(Case c) throws Exception {
        try (RawHttp1 raw = RawHttp1.open(port)) {
            RawHttp1.Response response = raw.send(c.raw()).read();
            assertEquals(c.status(), response.status(), response.statusLine() + " " + response.text());
            assertTrue(response.text().contains("\"status\":" + c.status()), "JSON error body: " + response.text());
            switch (c.after()) {
                case KEPT -> {
                    RawHttp1.Response next = raw.send("GET /_health HTTP/1.1\r\nHost: t\r\n\r\n").read();
                    assertEquals(200, next.status(), "the connection serves the next request");
                }
                case CLOSED -> {
                    assertEquals("close", response.header("Connection"));
                    assertTrue(raw.closedByPeer(), "the connection is closed after the answer");
                }
                case DROPPED -> assertTrue(raw.closedByPeer(), "the connection is closed after the answer");
            }
        }
        guard.assertNothingReceived(NOTHING_WINDOW);
    }

    @Test
    void everyRefusalIsCountedByReason() throws Exception {
        String[][] refusals = {
            {"connect_method", "CONNECT t:443 HTTP/1.1\r\nHost: t:443\r\n\r\n"},
            {"transfer_encoding_http10", "POST /x HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
            {"transfer_encoding_malformed", "POST /x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: ,chunked\r\n\r\n"
                    + "0\r\n\r\n"},
            {"transfer_encoding_unsupported", "POST /x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                    + "0\r\n\r\n"},
            {"protocol_400", "GET /x HTTP/1.1\r\nHost: t\r\nX-A: a\r\n b\r\n\r\n"},
            {"protocol_414", "GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: t\r\n\r\n"},
        };
        for (String[] refusal : refusals) {
            double before = refused(refusal[0]);
            try (RawHttp1 raw = RawHttp1.open(port)) {
                raw.send(refusal[1]).read();
            }
            assertEquals(before + 1, refused(refusal[0]), refusal[0]);
        }
        guard.assertNothingReceived(NOTHING_WINDOW);
    }

    @Test
    void connectIsAnsweredWithAllow() throws Exception {
        try (RawHttp1 raw = RawHttp1.open(port)) {
            RawHttp1.Response response = raw.send("CONNECT t:443 HTTP/1.1\r\nHost: t:443\r\n\r\n").read();
            assertEquals(405, response.status());
            String allow = response.header("Allow");
            assertTrue(allow != null && allow.contains("GET") && !allow.contains("CONNECT"), "Allow: " + allow);
        }
        guard.assertNothingReceived(NOTHING_WINDOW);
    }

    @Test
    void h2cUpgradeIsNotPerformedAndItsHeadersAreNotForwarded() throws Exception {
        try (RawHttp1 raw = RawHttp1.open(port)) {
            RawHttp1.Response response = raw.send("GET /ok/h2c HTTP/1.1\r\nHost: t\r\n"
                    + "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                    + "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n").read();
            assertEquals(200, response.status(), response.statusLine());
            assertNull(response.header("Upgrade"));
        }
        assertNoProtocolSwitchHeaders(received("/ok/h2c"));
    }

    @Test
    void upgradeWithABodyIsServedAsHttp11AndItsHeadersAreNotForwarded() throws Exception {
        try (RawHttp1 raw = RawHttp1.open(port)) {
            RawHttp1.Response response = raw.send("POST /ok/upgrade-body HTTP/1.1\r\nHost: t\r\n"
                    + "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                    + "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\nContent-Length: 5\r\n\r\nhello").read();
            assertEquals(200, response.status(), response.statusLine());
        }
        Backend.Received received = received("/ok/upgrade-body");
        assertEquals("hello", received.bodyText());
        assertNoProtocolSwitchHeaders(received);
    }

    @Test
    void websocketUpgradeAndHeadersNominatedByConnectionAreNotForwarded() throws Exception {
        try (RawHttp1 raw = RawHttp1.open(port)) {
            RawHttp1.Response response = raw.send("GET /ok/ws HTTP/1.1\r\nHost: t\r\nConnection: Upgrade, X-Secret\r\n"
                    + "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nX-Secret: 1\r\nX-Public: 2\r\n\r\n").read();
            assertEquals(200, response.status(), response.statusLine());
        }
        Backend.Received received = received("/ok/ws");
        assertNoProtocolSwitchHeaders(received);
        assertNull(received.header("X-Secret"));
        assertEquals("2", received.header("X-Public"));
    }

    @Test
    void http10RequestWithoutBodyIsServedThenClosed() throws Exception {
        try (RawHttp1 raw = RawHttp1.open(port)) {
            RawHttp1.Response response = raw.send("GET /ok/h10 HTTP/1.0\r\n\r\n").read();
            assertEquals(200, response.status());
            assertEquals("GET /ok/h10 ", response.text());
            assertTrue(raw.closedByPeer());
        }
        received("/ok/h10");
    }

    @Test
    void http10RequestWithBodyIsServedThenClosed() throws Exception {
        try (RawHttp1 raw = RawHttp1.open(port)) {
            RawHttp1.Response response = raw.send("POST /ok/h10-body HTTP/1.0\r\nContent-Length: 5\r\n\r\nhello").read();
            assertEquals(200, response.status());
            assertEquals("POST /ok/h10-body hello", response.text());
            assertTrue(raw.closedByPeer());
        }
        assertEquals("hello", received("/ok/h10-body").bodyText());
    }

    @Test
    void http10PostWithoutLengthHasNoBodyAndIsAnsweredWithoutWaitingForClose() throws Exception {
        try (RawHttp1 raw = RawHttp1.open(port)) {
            // The socket stays open for writing: a request body is never delimited by the connection's end.
            RawHttp1.Response response = raw.send("POST /ok/h10-nolength HTTP/1.0\r\n\r\n").read();
            assertEquals(200, response.status());
            assertEquals("POST /ok/h10-nolength ", response.text());
        }
        assertEquals("", received("/ok/h10-nolength").bodyText());
    }

    @Test
    void http10KeepAliveIsHonoured() throws Exception {
        try (RawHttp1 raw = RawHttp1.open(port)) {
            RawHttp1.Response first = raw.send("GET /ok/ka1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read();
            assertEquals(200, first.status());
            assertEquals("keep-alive", first.header("Connection"));
            RawHttp1.Response second = raw.send("GET /ok/ka2 HTTP/1.0\r\n\r\n").read();
            assertEquals(200, second.status());
            assertTrue(raw.closedByPeer());
        }
        received("/ok/ka1");
        received("/ok/ka2");
    }

    @Test
    void bodyLeftUnreadByARefusalIsNeverParsedAsTheNextRequest() throws Exception {
        try (RawHttp1 raw = RawHttp1.open(port)) {
            RawHttp1.Response response = raw.send("POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 4096\r\n\r\n"
                    + MalformedRequestCorpus.SMUGGLED).read();
            assertEquals(413, response.status());
            assertEquals("close", response.header("Connection"));
            assertTrue(raw.closedByPeer());
        }
        guard.assertNothingReceived(NOTHING_WINDOW);
    }

    @Test
    void bodyLeftUnreadByALocalAnswerEndsTheConnection() throws Exception {
        try (RawHttp1 raw = RawHttp1.open(port)) {
            RawHttp1.Response response = raw.send("POST /_health HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n"
                    + MalformedRequestCorpus.SMUGGLED).read();
            assertEquals(200, response.status());
            assertTrue(raw.closedByPeer(), "the unread rest of the body must not be read as a request");
        }
        guard.assertNothingReceived(NOTHING_WINDOW);
    }

    @Test
    void wellFormedChunkedRequestStillPasses() throws Exception {
        try (RawHttp1 raw = RawHttp1.open(port)) {
            RawHttp1.Response response = raw.send("POST /ok/chunked HTTP/1.1\r\nHost: t\r\n"
                    + "Transfer-Encoding: \tChunked \r\n\r\n5;ext=\"v\"\r\nhello\r\n0\r\n\r\n").read();
            assertEquals(200, response.status(), response.text());
            assertFalse("close".equals(response.header("Connection")));
        }
        assertEquals("hello", received("/ok/chunked").bodyText());
    }

    private static void assertNoProtocolSwitchHeaders(Backend.Received received) {
        for (String name : new String[] {"Upgrade", "HTTP2-Settings", "Connection"}) {
            assertNull(received.header(name), name + " reached the backend");
        }
    }

    /** The next request the {@code ok} backend received for {@code uri}, skipping others' leftovers. */
    private static Backend.Received received(String uri) throws InterruptedException {
        while (true) {
            Backend.Received received = ok.take();
            if (received.uri().equals(uri)) {
                return received;
            }
        }
    }

    /** The current {@code sentinel_requests_refused_total} for {@code reason}, 0 when not yet counted. */
    private static double refused(String reason) throws Exception {
        String text;
        try (RawHttp1 raw = RawHttp1.open(port)) {
            text = raw.send("GET /_metrics HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").read().text();
        }
        Matcher m = Pattern.compile("^sentinel_requests_refused_total\\{reason=\"" + Pattern.quote(reason)
                + "\"} (\\S+)$", Pattern.MULTILINE).matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
