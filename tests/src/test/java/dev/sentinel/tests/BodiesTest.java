package dev.sentinel.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.tests.support.Backend;
import dev.sentinel.tests.support.Ports;
import dev.sentinel.tests.support.Sentinel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Request and response bodies pass through intact, and body limits stop what is too large. */
class BodiesTest {
    private static final int GLOBAL_LIMIT = 4 * 1024 * 1024;
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @AutoClose
    private static Backend backend;
    /** Behind the routes whose limits are tested, so "nothing received" is not disturbed by other tests. */
    @AutoClose
    private static Backend guard;
    @AutoClose
    private static Sentinel sentinel;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        backend = Backend.start((r, response, callback) -> {
            if (r.uri().startsWith("/status/")) {
                response.setStatus(Integer.parseInt(r.uri().substring("/status/".length())));
                callback.succeeded();
            } else if (r.uri().startsWith("/gzip") || r.uri().startsWith("/download/")) {
                boolean gzip = r.uri().startsWith("/gzip");
                response.setStatus(200);
                response.getHeaders().put("Content-Type", "application/octet-stream");
                if (gzip) {
                    response.getHeaders().put("Content-Encoding", "gzip");
                }
                byte[] body = gzip ? gzip(bytes(10_000)) : bytes(Integer.parseInt(r.uri().substring(10)));
                response.write(true, ByteBuffer.wrap(body), callback);
            } else {
                Backend.text(response, callback, 200, r.body().length + " " + sha256(r.body()));
            }
        });
        guard = Backend.echo();
        port = Ports.free();
        sentinel = Sentinel.start("""
                system { worker-threads 1 }
                listeners { listener "main" { address "127.0.0.1:%d"; protocol "http" } }
                limits { max-body-size-bytes %d }
                routes {
                  route "small" { matches { path-prefix "/small" }; upstream "guard"; policies { max-body-size "1KB" } }
                  route "guarded" { matches { path-prefix "/guarded" }; upstream "guard" }
                  route "all" { matches { path-prefix "/" }; upstream "be" }
                }
                upstreams {
                  upstream "be" { target "%s" }
                  upstream "guard" { target "%s" }
                }
                """.formatted(port, GLOBAL_LIMIT, backend.address(), guard.address()));
    }

    @ParameterizedTest(name = "{0} {1} bytes")
    @CsvSource({"POST, 0", "POST, 1", "POST, 102400", "POST, 2097152", "PUT, 0", "PUT, 1", "PUT, 102400",
            "PUT, 2097152"})
    void fixedLengthBodiesReachTheBackendByteIdentical(String method, int size) throws Exception {
        byte[] body = bytes(size);
        String path = "/fixed/" + method + "/" + size;
        HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(uri(path))
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(size + " " + sha256(body), response.body());
        Backend.Received received = received(path);
        assertArrayEquals(body, received.body());
        if (size > 0) {
            assertEquals(Integer.toString(size), received.header("Content-Length"), "the length is kept");
        }
    }

    @ParameterizedTest(name = "{0} {1} bytes")
    @CsvSource({"POST, 0", "POST, 1", "POST, 102400", "POST, 2097152", "PUT, 0", "PUT, 1", "PUT, 102400",
            "PUT, 2097152"})
    void chunkedBodiesReachTheBackendByteIdentical(String method, int size) throws Exception {
        byte[] body = bytes(size);
        String path = "/chunked/" + method + "/" + size;
        try (RawHttp1 raw = RawHttp1.open(port)) {
            raw.send(method + " " + path + " HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n");
            raw.sendChunked(body, 1, 7, 8192, 65536, 3000);
            RawHttp1.Response response = raw.read();
            assertEquals(200, response.status(), response.text());
            assertEquals(size + " " + sha256(body), response.text());
        }
        assertArrayEquals(body, received(path).body());
    }

    @Test
    void fiveMebibyteResponseStreamsBackIdentical() throws Exception {
        int size = 5 * 1024 * 1024;
        HttpResponse<InputStream> response = CLIENT.send(HttpRequest.newBuilder(uri("/download/" + size)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        long length = 0;
        try (InputStream in = response.body()) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; length += n) {
                digest.update(buffer, 0, n);
            }
        }
        assertEquals(size, length);
        assertEquals(sha256(bytes(size)), HexFormat.of().formatHex(digest.digest()));
    }

    @Test
    void headResponseHasNoBodyAndTheConnectionStaysUsable() throws Exception {
        try (RawHttp1 raw = RawHttp1.open(port)) {
            raw.send("HEAD /head HTTP/1.1\r\nHost: test\r\n\r\n");
            assertEquals(200, raw.read(false).status());
            raw.send("GET /after-head HTTP/1.1\r\nHost: test\r\n\r\n");
            RawHttp1.Response after = raw.read();
            assertEquals(200, after.status(), after.text());
            assertEquals("0 " + sha256(new byte[0]), after.text());
        }
        assertEquals("HEAD", received("/head").method());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"204", "304"})
    void bodilessStatusesPassThroughAndTheConnectionStaysUsable(int status) throws Exception {
        try (RawHttp1 raw = RawHttp1.open(port)) {
            raw.send("GET /status/" + status + " HTTP/1.1\r\nHost: test\r\n\r\n");
            RawHttp1.Response response = raw.read();
            assertEquals(status, response.status());
            assertEquals(0, response.body().length);
            raw.send("GET /after-" + status + " HTTP/1.1\r\nHost: test\r\n\r\n");
            assertEquals(200, raw.read().status());
        }
    }

    @Test
    void compressedResponseIsPassedThroughUndecoded() throws Exception {
        try (RawHttp1 raw = RawHttp1.open(port)) {
            raw.send("GET /gzip HTTP/1.1\r\nHost: test\r\nAccept-Encoding: gzip\r\n\r\n");
            RawHttp1.Response response = raw.read();
            assertEquals(200, response.status());
            assertEquals("gzip", response.header("Content-Encoding"));
            assertArrayEquals(gzip(bytes(10_000)), response.body());
        }
    }

    @Test
    void acceptEncodingIsForwardedAsSentAndNeverAdded() throws Exception {
        try (RawHttp1 raw = RawHttp1.open(port)) {
            raw.send("GET /encoding/gzip HTTP/1.1\r\nHost: test\r\nAccept-Encoding: gzip, br\r\n\r\n");
            assertEquals(200, raw.read().status());
            raw.send("GET /encoding/none HTTP/1.1\r\nHost: test\r\n\r\n");
            assertEquals(200, raw.read().status());
        }
        assertEquals("gzip, br", received("/encoding/gzip").header("Accept-Encoding"));
        assertEquals(null, received("/encoding/none").header("Accept-Encoding"),
                "no Accept-Encoding is added on the client's behalf");
    }

    @Test
    void http10RequestWithoutBodyIsAnsweredAndTheConnectionClosed() throws Exception {
        try (RawHttp1 raw = RawHttp1.open(port)) {
            raw.send("GET /h10/plain HTTP/1.0\r\n\r\n");
            RawHttp1.Response response = raw.read();
            assertEquals(200, response.status(), response.text());
            assertEquals("0 " + sha256(new byte[0]), response.text());
            assertTrue(raw.closedByPeer(), "an HTTP/1.0 exchange without keep-alive ends with the connection");
        }
        assertEquals("GET", received("/h10/plain").method());
    }

    @Test
    void http10RequestWithBodyIsForwarded() throws Exception {
        try (RawHttp1 raw = RawHttp1.open(port)) {
            raw.send("POST /h10/body HTTP/1.0\r\nContent-Length: 5\r\n\r\nhello");
            RawHttp1.Response response = raw.read();
            assertEquals(200, response.status(), response.text());
            assertTrue(raw.closedByPeer());
        }
        assertEquals("hello", received("/h10/body").bodyText());
    }

    @Test
    void expectContinueIsAnsweredBeforeTheBodyIsSent() throws Exception {
        try (RawHttp1 raw = RawHttp1.open(port)) {
            raw.send("POST /expect HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
            assertEquals(100, raw.read().status());
            raw.send("hello");
            RawHttp1.Response response = raw.read();
            assertEquals(200, response.status(), response.text());
        }
        assertEquals("hello", received("/expect").bodyText());
    }

    @Test
    void expectContinueRequestWhoseBodyFollowsAtOnceIsServed() throws Exception {
        try (RawHttp1 raw = RawHttp1.open(port)) {
            raw.send("POST /expect-eager HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\n"
                    + "Expect: 100-continue\r\n\r\nhello");
            RawHttp1.Response response = raw.read();
            if (response.status() == 100) {
                response = raw.read();
            }
            assertEquals(200, response.status(), response.text());
        }
        assertEquals("hello", received("/expect-eager").bodyText());
    }

    @Test
    void declaredContentLengthOverTheLimitIsRefusedBeforeForwarding() throws Exception {
        try (RawHttp1 raw = RawHttp1.open(port)) {
            // Only the head is sent: the refusal must not wait for the body.
            raw.send("POST /guarded/too-big HTTP/1.1\r\nHost: test\r\nContent-Length: " + (GLOBAL_LIMIT + 1)
                    + "\r\n\r\n");
            RawHttp1.Response response = raw.read();
            assertEquals(413, response.status());
            assertTrue(response.text().matches(
                    "\\{\"error\":\"[^\"]+\",\"status\":413,\"trace_id\":\"[0-9a-f]{32}\"}"), response.text());
            assertEquals("close", response.header("Connection"));
        }
        guard.assertNothingReceived(Duration.ofSeconds(1));
    }

    @Test
    void chunkedBodyCrossingTheRouteLimitIsRefused() throws Exception {
        assertChunkedBodyRefused("/small/chunked", 512, 4);
    }

    @Test
    void chunkedBodyCrossingTheGlobalLimitIsRefused() throws Exception {
        assertChunkedBodyRefused("/guarded/chunked", 64 * 1024, GLOBAL_LIMIT / (64 * 1024) + 2);
    }

    @ParameterizedTest(name = "chunked: {0}")
    @ValueSource(booleans = {true, false})
    void bodyCutByTheClientNeverReachesTheBackendAsComplete(boolean chunked) throws Exception {
        try (RawHttp1 raw = RawHttp1.open(port)) {
            raw.send("POST /guarded/cut HTTP/1.1\r\nHost: test\r\n"
                    + (chunked ? "Transfer-Encoding: chunked\r\n\r\n400\r\n" : "Content-Length: 4096\r\n\r\n")
                    + "a".repeat(1024));
        }
        guard.assertNothingReceived(Duration.ofSeconds(2));
    }

    @Test
    void routeMaxBodySizeOverridesTheGlobalLimit() throws Exception {
        HttpResponse<String> fits = post("/small/fits", bytes(1024));
        assertEquals(200, fits.statusCode(), fits.body());
        assertEquals(1024, guard.take().body().length);

        HttpResponse<String> over = post("/small/over", bytes(1025));
        assertEquals(413, over.statusCode());
        assertTrue(over.body().contains("\"status\":413"), over.body());
        guard.assertNothingReceived(Duration.ofSeconds(1));

        HttpResponse<String> elsewhere = post("/global/fits", bytes(1025));
        assertEquals(200, elsewhere.statusCode(), "the global limit still applies to other routes");
        received("/global/fits");
    }

    /** Streams {@code count} chunks of {@code chunk} bytes: the answer is 413 or a cut connection, never a pass. */
    private static void assertChunkedBodyRefused(String path, int chunk, int count) throws Exception {
        try (RawHttp1 raw = RawHttp1.open(port)) {
            raw.send("POST " + path + " HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n");
            try {
                raw.sendChunked(bytes(chunk * count), chunk);
            } catch (IOException cut) {
                // Sentinel may stop reading and close once the limit is crossed.
            }
            try {
                RawHttp1.Response response = raw.read();
                assertEquals(413, response.status(), response.text());
            } catch (IOException cut) {
                // A cut connection is an acceptable refusal.
            }
        }
        guard.assertNothingReceived(Duration.ofSeconds(2));
    }

    private static HttpResponse<String> post(String path, byte[] body) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static Backend.Received received(String uri) throws InterruptedException {
        while (true) {
            Backend.Received received = backend.take();
            if (received.uri().equals(uri)) {
                return received;
            }
        }
    }

    /** {@code size} reproducible pseudo-random bytes. */
    private static byte[] bytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
