package dev.sentinel.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sentinel.tests.support.Backend;
import dev.sentinel.tests.support.Metrics;
import dev.sentinel.tests.support.Ports;
import dev.sentinel.tests.support.Sentinel;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An upstream's {@code read-secs} bounds how long Sentinel waits on the upstream, not on the client: a client
 * that pauses while reading a large response, or while sending its body, for longer than that gets the whole
 * transfer, and the upstream is not blamed for the pause. The client's own leg stays bounded by the
 * listener's timeouts and the body-rate limit.
 */
class ClientPacedTransfersTest {
    private static final int READ_SECS = 1;
    private static final int KEEPALIVE_SECS = 5;
    /** Longer than the upstream's read timeout, well inside the listener's keep-alive timeout. */
    private static final long PAUSE_MILLIS = 2_500;
    /** Far more than the socket buffers between backend and client hold, so the pause stalls the upstream leg. */
    private static final int LARGE_BYTES = 24 * 1024 * 1024;
    private static final int UPLOAD_BYTES = 256 * 1024;
    private static final String TIMEOUTS = "sentinel_upstream_failures_total{reason=\"timeout\",upstream=\"paced\"}";

    @AutoClose
    private static Backend backend;
    @AutoClose
    private static Sentinel sentinel;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        byte[] large = new byte[LARGE_BYTES];
        backend = Backend.start((r, response, callback) -> {
            if (r.uri().equals("/large")) {
                response.getHeaders().put("Content-Type", "application/octet-stream");
                response.getHeaders().put("Content-Length", Integer.toString(LARGE_BYTES));
                response.write(true, ByteBuffer.wrap(large), callback);
            } else {
                Backend.text(response, callback, 200, "received " + r.body().length);
            }
        });
        port = Ports.free();
        sentinel = Sentinel.start("""
                system { worker-threads 1 }
                listeners { listener "main" { address "127.0.0.1:%d"; keepalive-timeout-secs %d } }
                routes {
                  route "metrics" { priority "critical"; matches { path "/metrics" }; builtin-handler "metrics" }
                  route "all" { matches { path-prefix "/" }; upstream "paced" }
                }
                upstreams { upstream "paced" { target "%s"; timeouts { read-secs %d } } }
                """.formatted(port, KEEPALIVE_SECS, backend.address(), READ_SECS));
    }

    @Test
    @Timeout(60)
    void aClientPausingWhileItReadsGetsTheWholeResponseAndTheUpstreamIsNotBlamed() throws Exception {
        double timeoutsBefore = Metrics.value(port, TIMEOUTS);
        try (Socket socket = new Socket()) {
            // A small window, so that the response backs up to the upstream while the client pauses.
            socket.setReceiveBufferSize(8 * 1024);
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /large HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = new BufferedInputStream(socket.getInputStream());
            assertEquals("HTTP/1.1 200 OK", RawHttp1.line(in));
            while (!RawHttp1.line(in).isEmpty()) {
                // the rest of the head
            }
            long read = in.readNBytes(64 * 1024).length;
            Thread.sleep(PAUSE_MILLIS);
            read += in.readAllBytes().length;
            assertEquals(LARGE_BYTES, read, "the whole body, after a pause longer than the upstream's read timeout");
        }
        assertEquals(timeoutsBefore, Metrics.value(port, TIMEOUTS), "the client's pause is not the upstream's timeout");
    }

    @Test
    @Timeout(60)
    void aClientPausingWhileItSendsItsBodyIsForwardedWholeAndTheUpstreamIsNotBlamed() throws Exception {
        double timeoutsBefore = Metrics.value(port, TIMEOUTS);
        byte[] body = new byte[UPLOAD_BYTES];
        try (RawHttp1 raw = RawHttp1.open(port)) {
            raw.send("POST /upload HTTP/1.1\r\nHost: test\r\nConnection: close\r\nContent-Type: application/octet-stream"
                    + "\r\nContent-Length: " + UPLOAD_BYTES + "\r\n\r\n");
            raw.send(body, 0, 32 * 1024);
            Thread.sleep(PAUSE_MILLIS);
            raw.send(body, 32 * 1024, UPLOAD_BYTES - 32 * 1024);
            RawHttp1.Response response = raw.read();
            assertEquals(200, response.status(), response.text());
            assertEquals("received " + UPLOAD_BYTES, response.text());
        }
        assertEquals(UPLOAD_BYTES, backend.take().body().length);
        assertEquals(timeoutsBefore, Metrics.value(port, TIMEOUTS), "the client's pause is not the upstream's timeout");
    }

    @Test
    @Timeout(30)
    void aBodyThatStopsGets408AndTheUpstreamIsNotBlamed() throws Exception {
        double timeoutsBefore = Metrics.value(port, TIMEOUTS);
        try (RawHttp1 raw = RawHttp1.open(port)) {
            raw.send("POST /upload HTTP/1.1\r\nHost: test\r\nContent-Length: 10\r\n\r\n12345");
            assertEquals(408, raw.read().status());
        }
        assertEquals(timeoutsBefore, Metrics.value(port, TIMEOUTS),
                "a body the client never finishes is the client's fault, not the upstream's");
    }
}
