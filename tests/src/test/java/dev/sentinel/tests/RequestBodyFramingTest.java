package dev.sentinel.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.sentinel.tests.support.Backend;
import dev.sentinel.tests.support.Ports;
import dev.sentinel.tests.support.Sentinel;
import dev.sentinel.tests.support.h2.H2Client;
import java.time.Duration;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Whether a request has a body is decided as its protocol says, never guessed from other headers: over
 * HTTP/1.1 only {@code Content-Length} and {@code Transfer-Encoding} frame a body (RFC 9112 §6.3); over HTTP/2 a
 * HEADERS frame that ends the stream carries none, and DATA frames are a body with or without a
 * {@code content-length} (RFC 9113 §8.1). The upstream gets the body, or no body and no framing for one.
 */
class RequestBodyFramingTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @AutoClose
    private static Backend backend;
    @AutoClose
    private static Sentinel sentinel;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        backend = Backend.echo();
        port = Ports.free();
        sentinel = Sentinel.start("""
                system { worker-threads 1 }
                listeners { listener "main" { address "127.0.0.1:%d"; protocol "http" } }
                routes { route "all" { matches { path-prefix "/" }; upstream "be" } }
                upstreams { upstream "be" { target "%s" } }
                """.formatted(port, backend.address()));
    }

    @Test
    void anHttp1GetWithAContentTypeButNoBodyGoesUpstreamWithoutBodyOrFraming() throws Exception {
        RawHttp1.Response response = RawHttp1.exchange(port,
                "GET /typed HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n");
        assertEquals(200, response.status());
        assertEquals("GET /typed ", response.text());
        Backend.Received received = backend.take();
        assertNull(received.header("Transfer-Encoding"), "no chunked framing for a body that is not there");
        assertEquals(0, received.body().length);
    }

    @Test
    void anHttp2GetWithAContentTypeEndingTheStreamGoesUpstreamWithoutBodyOrFraming() throws Exception {
        try (H2Client h2 = H2Client.connect(port)) {
            h2.headers(1, h2.request("GET", "/typed-h2").literal("content-type", "application/json"), true);
            assertEquals(200, h2.awaitStatus(1, WAIT));
        }
        Backend.Received received = backend.take();
        assertEquals("/typed-h2", received.uri());
        assertNull(received.header("Transfer-Encoding"), "no chunked framing for a body that is not there");
        assertEquals(0, received.body().length);
    }

    @Test
    void anHttp2BodyWithoutLengthOrTypeReachesTheUpstreamWhole() throws Exception {
        try (H2Client h2 = H2Client.connect(port)) {
            h2.send(1, h2.request("POST", "/untyped-h2"), "a body with neither length nor type");
            assertEquals(200, h2.awaitStatus(1, WAIT));
        }
        Backend.Received received = backend.take();
        assertEquals("/untyped-h2", received.uri());
        assertEquals("a body with neither length nor type", received.bodyText());
    }
}
