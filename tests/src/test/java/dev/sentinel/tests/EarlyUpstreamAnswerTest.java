package dev.sentinel.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sentinel.tests.support.Metrics;
import dev.sentinel.tests.support.Ports;
import dev.sentinel.tests.support.Sentinel;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;

/**
 * An upstream that answers before it has read the request body (a 413, a 401) and closes the connection,
 * which resets it since the rest of the body is unread, as many servers do: the client gets that answer, not
 * a 502, and the upstream is not counted as failing.
 */
class EarlyUpstreamAnswerTest {
    private static final int BODY_BYTES = 8 * 1024 * 1024;
    private static final String FAILURES = "sentinel_upstream_failures_total{reason=\"failure\",upstream=\"early\"}";

    @AutoClose
    private static ServerSocket early;
    @AutoClose
    private static Sentinel sentinel;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        early = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(EarlyUpstreamAnswerTest::answerEarly);
        port = Ports.free();
        sentinel = Sentinel.start("""
                system { worker-threads 1 }
                listeners { listener "main" { address "127.0.0.1:%d" } }
                limits { max-body-size "64MB" }
                routes {
                  route "metrics" { priority "critical"; matches { path "/metrics" }; builtin-handler "metrics" }
                  route "all" { matches { path-prefix "/" }; upstream "early" }
                }
                upstreams { upstream "early" { target "127.0.0.1:%d" } }
                """.formatted(port, early.getLocalPort()));
    }

    @RepeatedTest(5)
    void anAnswerSentBeforeTheBodyWasReadReachesTheClient() throws Exception {
        double failuresBefore = Metrics.value(port, FAILURES);
        try (RawHttp1 raw = RawHttp1.open(port)) {
            raw.send("PUT /upload HTTP/1.1\r\nHost: test\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                    + BODY_BYTES + "\r\n\r\n");
            Thread.ofVirtual().start(() -> {
                try {
                    raw.send(new byte[BODY_BYTES], 0, BODY_BYTES);
                } catch (IOException expected) {
                    // Sentinel stops reading the body once the answer is in.
                }
            });
            RawHttp1.Response response = raw.read();
            assertEquals(413, response.status(), response.text());
            assertEquals("too big", response.text());
        }
        assertEquals(failuresBefore, Metrics.value(port, FAILURES), "an early answer is not an upstream failure");
    }

    private static void answerEarly() {
        while (!early.isClosed()) {
            try {
                Socket socket = early.accept();
                Thread.ofVirtual().start(() -> {
                    try (socket) {
                        InputStream in = new BufferedInputStream(socket.getInputStream());
                        for (String line = RawHttp1.line(in); line != null && !line.isEmpty(); line = RawHttp1.line(in)) {
                            // the request head; its body is never read
                        }
                        socket.getOutputStream().write(("HTTP/1.1 413 Payload Too Large\r\nContent-Type: text/plain\r\n"
                                + "Content-Length: 7\r\nConnection: close\r\n\r\ntoo big").getBytes(StandardCharsets.US_ASCII));
                        socket.getOutputStream().flush();
                    } catch (IOException ignored) {
                        // the test sees what Sentinel made of it
                    }
                });
            } catch (IOException closed) {
                return;
            }
        }
    }
}
