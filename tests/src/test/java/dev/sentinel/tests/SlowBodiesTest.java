package dev.sentinel.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.tests.support.Backend;
import dev.sentinel.tests.support.Metrics;
import dev.sentinel.tests.support.Ports;
import dev.sentinel.tests.support.Sentinel;
import dev.sentinel.tests.support.h2.H2Client;
import dev.sentinel.tests.support.h2.H2Frame;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * Slow request bodies are bounded by {@code min-request-body-rate-bytes-per-sec}: a body that trickles or stops
 * gets 408, over HTTP/1.1 (the connection closes) and HTTP/2 (only the stream ends), and counts one
 * {@code body_too_slow}; only Sentinel's waits for the client count against it; a reload changes the rate.
 */
class SlowBodiesTest {
    private static final String BODY_TOO_SLOW = "sentinel_requests_refused_total{reason=\"body_too_slow\"}";
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @AutoClose
    private static Backend backend;
    @AutoClose
    private static Sentinel sentinel;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        backend = Backend.echo();
        port = Ports.free();
        sentinel = Sentinel.start(config(port, ""));
    }

    private static String config(int listenerPort, String limits) {
        return """
                system { worker-threads 1 }
                listeners { listener "main" { address "127.0.0.1:%d" } }
                routes {
                  route "metrics" { priority "critical"; matches { path "/metrics" }; builtin-handler "metrics" }
                  route "api" { matches { path-prefix "/" }; upstream "be" }
                }
                upstreams { upstream "be" { target "%s" } }
                limits { %s }
                """.formatted(listenerPort, backend.address(), limits);
    }

    /** Runs {@code exchange} against the shared Sentinel, and checks that it counted one {@code body_too_slow}. */
    private static void assertCountsOneTooSlowBody(Executable exchange) throws Throwable {
        double before = Metrics.value(port, BODY_TOO_SLOW);
        exchange.execute();
        assertEquals(before + 1, Metrics.value(port, BODY_TOO_SLOW));
    }

    @Test
    @Timeout(30)
    void aBodySlowerThanTheMinimumRateGets408AndTheConnectionCloses() throws Throwable {
        assertCountsOneTooSlowBody(() -> {
            // 10 bytes/s against the default minimum of 1024 bytes/s.
            String response = RawHttp1.trickleBodyUntilAnswered(port,
                    "POST /upload HTTP/1.1\r\nHost: sentinel\r\nContent-Length: 100000\r\n\r\n",
                    Duration.ofSeconds(10));
            assertTrue(response.startsWith("HTTP/1.1 408 "), response);
            assertTrue(response.contains("\r\nConnection: close\r\n"), response);
            assertTrue(response.contains("\"status\":408"), response);
        });
    }

    /** HTTP/2 ends only the stream: the connection may carry other clients' requests (a shared proxy's). */
    @Test
    @Timeout(30)
    void aBodySlowerThanTheMinimumRateOverHttp2Gets408OnItsStreamAndTheConnectionGoesOn() throws Throwable {
        assertCountsOneTooSlowBody(() -> {
            try (H2Client h2 = H2Client.connect(port)) {
                h2.headers(1, h2.request("POST", "/upload"), false);
                long start = System.nanoTime();
                Optional<H2Frame> answer = Optional.empty();
                // 10 bytes/s against the default minimum of 1024 bytes/s.
                while (answer.isEmpty()) {
                    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "no answer to a slow body");
                    h2.frame(H2Frame.DATA, 0, 1, new byte[] {'x'});
                    answer = h2.poll(f -> f.streamId() == 1 && f.type() == H2Frame.HEADERS, Duration.ofMillis(100));
                }
                assertEquals(408, answer.get().status());
                assertTheConnectionServesAnotherStream(h2);
            }
        });
    }

    /**
     * A body that stops is judged while Sentinel waits for it, not when the next byte comes (none will):
     * 100 bytes pay for the grace second only. Before, it lasted until the idle timeout (75 s, past this test's
     * timeout), holding the upstream connection all that time.
     */
    @Test
    @Timeout(30)
    void aBodyThatStopsGets408AsSoonAsItFallsBelowTheMinimumRate() throws Throwable {
        assertCountsOneTooSlowBody(() -> {
            try (RawHttp1 raw = RawHttp1.open(port)) {
                raw.send("POST /stalled HTTP/1.1\r\nHost: sentinel\r\nContent-Length: 100000\r\n\r\n"
                        + "x".repeat(100));
                RawHttp1.Response response = raw.read();
                assertEquals(408, response.status(), response.text());
                assertEquals("close", response.header("Connection"));
                assertTrue(response.text().contains("\"status\":408"), response.text());
                assertTrue(raw.closedByPeer(), "the connection closes after the 408");
            }
        });
    }

    /** HTTP/2: a stream whose headers promise a body that never comes ends with 408; the connection goes on. */
    @Test
    @Timeout(30)
    void anHttp2BodyThatNeverStartsGets408OnItsStream() throws Throwable {
        assertCountsOneTooSlowBody(() -> {
            try (H2Client h2 = H2Client.connect(port)) {
                h2.headers(1, h2.request("POST", "/never"), false);
                assertEquals(408, h2.awaitStatus(1, Duration.ofSeconds(15)));
                assertTheConnectionServesAnotherStream(h2);
            }
        });
    }

    /** Stream 3 on the same connection: a GET answered 200. */
    private static void assertTheConnectionServesAnotherStream(H2Client h2) throws Exception {
        h2.get(3, "/after");
        assertEquals(200, h2.awaitStatus(3, Duration.ofSeconds(5)));
    }

    /** The rate is read per request from the running configuration, so a reload changes it for the next ones. */
    @Test
    @Timeout(60)
    void aReloadAppliesANewMinimumBodyRateToTheNextRequests() throws Exception {
        int ownPort = Ports.free();
        try (Sentinel own = Sentinel.start(config(ownPort, "min-request-body-rate-bytes-per-sec 100000"))) {
            assertEquals(408, statusOfAnUploadPausedForTwoSeconds(ownPort), "1 KiB pays for 10 ms at 100 KB/s");
            Files.writeString(own.configFile(), config(ownPort, "min-request-body-rate-bytes-per-sec 100"));
            own.signal("HUP");
            own.awaitOutput("configuration reloaded", Duration.ofSeconds(20));
            assertEquals(200, statusOfAnUploadPausedForTwoSeconds(ownPort), "1 KiB pays for 10 s at 100 bytes/s");
        }
    }

    /** Half of a 2 KiB body, two seconds of silence, then the rest unless the answer came meanwhile. */
    private static int statusOfAnUploadPausedForTwoSeconds(int port) throws Exception {
        try (RawHttp1 raw = RawHttp1.open(port)) {
            raw.send("POST /paused HTTP/1.1\r\nHost: sentinel\r\nContent-Length: 2048\r\n\r\n" + "x".repeat(1024));
            Thread.sleep(2000);
            if (!raw.hasBytesToRead()) {
                raw.send("x".repeat(1024));
            }
            return raw.read().status();
        }
    }

    /**
     * Only Sentinel's waits for the client count against it. An upstream that pauses before taking the body
     * holds the client back (the socket buffers between them fill), and that is not the client being slow:
     * judged by the clock instead, the 3 s pause made a fast client's 8 MiB body too slow for 10 MB/s.
     */
    @Test
    @Timeout(60)
    void anUpstreamSlowToTakeTheBodyDoesNotMakeTheClientTooSlow() throws Exception {
        int bodyBytes = 8 * 1024 * 1024;
        try (ServerSocket pausing = new ServerSocket()) {
            // A small window, so that the pause backs up to Sentinel and on to the client.
            pausing.setReceiveBufferSize(4096);
            pausing.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread.ofVirtual().start(() -> takeOneBodyAfterAPause(pausing, Duration.ofSeconds(3)));
            int ownPort = Ports.free();
            try (Sentinel own = Sentinel.start("""
                    system { worker-threads 1 }
                    listeners { listener "main" { address "127.0.0.1:%d" } }
                    routes { route "all" { matches { path-prefix "/" }; upstream "pausing" } }
                    upstreams { upstream "pausing" { target "127.0.0.1:%d" } }
                    limits { max-body-size "16MB"; min-request-body-rate-bytes-per-sec 10000000 }
                    """.formatted(ownPort, pausing.getLocalPort()))) {
                HttpResponse<String> response = CLIENT.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ownPort + "/upload"))
                                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[bodyBytes]))
                                .timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode(), response.body());
                assertEquals("received " + bodyBytes, response.body());
            }
        }
    }

    /** Answers one request: reads its head, pauses, then reads its whole body and says how much came. */
    private static void takeOneBodyAfterAPause(ServerSocket server, Duration pause) {
        try (Socket socket = server.accept()) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            long length = 0;
            for (String line = RawHttp1.line(in); line != null && !line.isEmpty(); line = RawHttp1.line(in)) {
                if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                    length = Long.parseLong(line.substring(15).trim());
                }
            }
            Thread.sleep(pause.toMillis());
            in.skipNBytes(length);
            String text = "received " + length;
            socket.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: " + text.length()
                    + "\r\nConnection: close\r\n\r\n" + text).getBytes(StandardCharsets.US_ASCII));
        } catch (IOException | InterruptedException e) {
            // The test fails on the answer it did not get.
        }
    }

    @Test
    @Timeout(30)
    void aBodyAtNormalSpeedIsForwarded() throws Exception {
        byte[] body = new byte[512 * 1024];
        HttpResponse<String> response = CLIENT.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/fast"))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.body().startsWith("POST /fast "), response.body());
    }
}
