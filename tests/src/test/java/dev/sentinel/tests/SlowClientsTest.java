package dev.sentinel.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Slow clients are bounded: a header section must be complete within {@code request-timeout-secs} of its
 * first byte, even when bytes keep coming; an idle keep-alive connection lasts {@code keepalive-timeout-secs};
 * a request body slower than {@code min-request-body-rate-bytes-per-sec} gets 408, over HTTP/1.1 and HTTP/2;
 * and a thousand slowloris connections do not keep normal clients from being served.
 */
class SlowClientsTest {
    private static final int REQUEST_TIMEOUT_SECS = 2;
    private static final int KEEPALIVE_TIMEOUT_SECS = 5;
    private static final String HEADER_TIMEOUT = "sentinel_connections_refused_total{reason=\"header_timeout\"}";
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
        sentinel = Sentinel.start(config(port, REQUEST_TIMEOUT_SECS, ""));
    }

    private static String config(int listenerPort, int requestTimeoutSecs, String limits) {
        return """
                system { worker-threads 1 }
                listeners {
                  listener "main" {
                    address "127.0.0.1:%d"
                    request-timeout-secs %d
                    keepalive-timeout-secs %d
                  }
                }
                routes {
                  route "metrics" { priority "critical"; matches { path "/metrics" }; builtin-handler "metrics" }
                  route "api" { matches { path-prefix "/" }; upstream "be" }
                }
                upstreams { upstream "be" { target "%s" } }
                limits { %s }
                """.formatted(listenerPort, requestTimeoutSecs, KEEPALIVE_TIMEOUT_SECS, backend.address(), limits);
    }

    @Test
    @Timeout(30)
    void aClientTricklingItsHeadersIsCutAtTheRequestTimeoutThoughBytesKeepComing() throws Exception {
        double before = Metrics.value(port, HEADER_TIMEOUT);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = socket.getOutputStream();
            out.write("GET /trickle HTTP/1.1\r\nHost: sentinel\r\nX-Trickle: ".getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            // One byte every 250 ms: far inside the 5 s idle timeout, so only the header deadline can end this.
            socket.setSoTimeout(250);
            int sent = 0;
            while (!closedWithinSoTimeout(socket.getInputStream())) {
                out.write('a');
                sent++;
                assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(REQUEST_TIMEOUT_SECS + 5),
                        "still open after " + sent + " trickled bytes");
            }
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(elapsedMillis >= REQUEST_TIMEOUT_SECS * 1000L - 300, "cut too early: " + elapsedMillis + " ms");
            assertTrue(sent >= 4 * REQUEST_TIMEOUT_SECS - 2, "bytes kept coming until the cut: " + sent);
        }
        assertEquals(before + 1, Metrics.value(port, HEADER_TIMEOUT));
    }

    @Test
    @Timeout(30)
    void anIdleKeepAliveConnectionLastsTheKeepaliveTimeoutNotTheRequestTimeout() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.getOutputStream().write("GET /idle HTTP/1.1\r\nHost: sentinel\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            socket.setSoTimeout(5_000);
            String head = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 200", head);
            assertTrue(drained(in, socket), "the rest of the response, then silence");
            long idleSince = System.nanoTime();
            socket.setSoTimeout((REQUEST_TIMEOUT_SECS + 1) * 1000);
            assertThrows(SocketTimeoutException.class, in::read, "open past the request timeout while idle");
            socket.setSoTimeout(KEEPALIVE_TIMEOUT_SECS * 1000);
            assertEquals(-1, in.read(), "closed by the keep-alive timeout");
            long idleMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - idleSince);
            assertTrue(idleMillis >= KEEPALIVE_TIMEOUT_SECS * 1000L - 300
                    && idleMillis < KEEPALIVE_TIMEOUT_SECS * 1000L + 3000, "closed after " + idleMillis + " ms idle");
        }
    }

    @Test
    @Timeout(30)
    void aBodySlowerThanTheMinimumRateGets408AndTheConnectionCloses() throws Exception {
        double before = Metrics.value(port, BODY_TOO_SLOW);
        // 10 bytes/s against the default minimum of 1024 bytes/s.
        String response = RawHttp1.trickleBodyUntilAnswered(port,
                "POST /upload HTTP/1.1\r\nHost: sentinel\r\nContent-Length: 100000\r\n\r\n", Duration.ofSeconds(10));
        assertTrue(response.startsWith("HTTP/1.1 408 "), response);
        assertTrue(response.contains("\r\nConnection: close\r\n"), response);
        assertTrue(response.contains("\"status\":408"), response);
        assertEquals(before + 1, Metrics.value(port, BODY_TOO_SLOW));
    }

    /** HTTP/2 ends only the stream: the connection may carry other clients' requests (a shared proxy's). */
    @Test
    @Timeout(30)
    void aBodySlowerThanTheMinimumRateOverHttp2Gets408OnItsStreamAndTheConnectionGoesOn() throws Exception {
        double before = Metrics.value(port, BODY_TOO_SLOW);
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
        assertEquals(before + 1, Metrics.value(port, BODY_TOO_SLOW));
    }

    /**
     * A body that stops is judged while Sentinel waits for it, not when the next byte comes (none will):
     * 100 bytes pay for the grace second only. Before, it lasted until the idle timeout, which counts no
     * {@code body_too_slow}, holding the upstream connection all that time.
     */
    @Test
    @Timeout(30)
    void aBodyThatStopsGets408AsSoonAsItFallsBelowTheMinimumRate() throws Exception {
        double before = Metrics.value(port, BODY_TOO_SLOW);
        try (RawHttp1 raw = RawHttp1.open(port)) {
            raw.send("POST /stalled HTTP/1.1\r\nHost: sentinel\r\nContent-Length: 100000\r\n\r\n" + "x".repeat(100));
            RawHttp1.Response response = raw.read();
            assertEquals(408, response.status(), response.text());
            assertEquals("close", response.header("Connection"));
            assertTrue(response.text().contains("\"status\":408"), response.text());
            assertTrue(raw.closedByPeer(), "the connection closes after the 408");
        }
        assertEquals(before + 1, Metrics.value(port, BODY_TOO_SLOW));
    }

    /** HTTP/2: a stream whose headers promise a body that never comes ends with 408; the connection goes on. */
    @Test
    @Timeout(30)
    void anHttp2BodyThatNeverStartsGets408OnItsStream() throws Exception {
        double before = Metrics.value(port, BODY_TOO_SLOW);
        try (H2Client h2 = H2Client.connect(port)) {
            h2.headers(1, h2.request("POST", "/never"), false);
            assertEquals(408, h2.awaitStatus(1, Duration.ofSeconds(KEEPALIVE_TIMEOUT_SECS * 3)));
            assertTheConnectionServesAnotherStream(h2);
        }
        assertEquals(before + 1, Metrics.value(port, BODY_TOO_SLOW));
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
        try (Sentinel own = Sentinel.start(config(ownPort, REQUEST_TIMEOUT_SECS,
                "min-request-body-rate-bytes-per-sec 100000"))) {
            assertEquals(408, statusOfAnUploadPausedForTwoSeconds(ownPort), "1 KiB pays for 10 ms at 100 KB/s");
            Files.writeString(own.configFile(), config(ownPort, REQUEST_TIMEOUT_SECS,
                    "min-request-body-rate-bytes-per-sec 100"));
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

    /**
     * The per-client limit alone would stop a slowloris from one address at 100 connections (see
     * ConnectionLimitsTest); here it is raised so that all thousand are admitted, as they would be from
     * many addresses, and the proxy must stay responsive anyway, then cut every one at its header deadline.
     */
    @Test
    @Timeout(90)
    void aThousandSlowlorisConnectionsDoNotStopNormalClients() throws Exception {
        int connections = 1000;
        int timeoutSecs = 10;
        int slowPort = Ports.free();
        try (Sentinel slow = Sentinel.start(config(slowPort, timeoutSecs, "max-connections-per-client 2000"));
             Slowloris slowloris = new Slowloris(slowPort, connections, Duration.ofMillis(500))) {
            long openedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - slowloris.started());
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + slowPort + "/normal/" + i))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode(), response.body());
                assertEquals("GET /normal/" + i + " ", response.body());
            }
            assertTrue(System.nanoTime() - slowloris.started() < TimeUnit.SECONDS.toNanos(timeoutSecs - 2),
                    "normal requests must have run while the slowloris was in full swing; opening took "
                            + openedMillis + " ms, all took "
                            + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - slowloris.started()) + " ms");
            assertEquals(0, slowloris.cut(), "no slowloris connection was cut before its deadline");

            assertTrue(slowloris.awaitAllCut(Duration.ofSeconds(timeoutSecs + 20)),
                    slowloris.cut() + " of " + connections + " cut");
            long firstCutAfter = TimeUnit.NANOSECONDS.toMillis(slowloris.firstCut() - slowloris.started());
            assertTrue(firstCutAfter >= timeoutSecs * 1000L - 500, "first cut after " + firstCutAfter + " ms");
            assertEquals(connections, Metrics.value(slowPort, HEADER_TIMEOUT), "each cut is counted");
            assertEquals(200, CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + slowPort + "/after"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        }
    }

    /** True when the peer closed (EOF or reset) within the socket's read timeout. */
    private static boolean closedWithinSoTimeout(InputStream in) throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** Reads until 100 ms pass without a byte; false if the connection closed instead. */
    private static boolean drained(InputStream in, Socket socket) throws IOException {
        socket.setSoTimeout(100);
        try {
            int b;
            do {
                b = in.read();
            } while (b >= 0);
            return false;
        } catch (SocketTimeoutException e) {
            return true;
        }
    }

    /**
     * Connections that send a request line and the start of a header, then one more byte of it per tick,
     * never finishing. One thread drives them all through a selector and notes when Sentinel cuts each.
     */
    private static final class Slowloris implements AutoCloseable {
        private final Selector selector = Selector.open();
        private final AtomicInteger cut = new AtomicInteger();
        private final CountDownLatch allCut;
        private final AtomicLong firstCut = new AtomicLong();
        private final long started;
        private final Thread driver;
        private volatile boolean running = true;

        Slowloris(int port, int count, Duration tick) throws IOException {
            byte[] start = "GET /slowloris HTTP/1.1\r\nHost: sentinel\r\nX-Trickle: "
                    .getBytes(StandardCharsets.US_ASCII);
            allCut = new CountDownLatch(count);
            started = System.nanoTime();
            try {
                for (int i = 0; i < count; i++) {
                    SocketChannel channel = SocketChannel.open(
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                    try {
                        channel.configureBlocking(false);
                        channel.register(selector, SelectionKey.OP_READ);
                    } catch (IOException e) {
                        channel.close();
                        throw e;
                    }
                    channel.write(ByteBuffer.wrap(start));
                }
            } catch (IOException e) {
                closeAll();
                throw e;
            }
            driver = Thread.ofPlatform().name("slowloris").daemon().start(() -> drive(tick));
        }

        long started() {
            return started;
        }

        int cut() {
            return cut.get();
        }

        long firstCut() {
            return firstCut.get();
        }

        boolean awaitAllCut(Duration max) throws InterruptedException {
            return allCut.await(max.toMillis(), TimeUnit.MILLISECONDS);
        }

        private void drive(Duration tick) {
            ByteBuffer sink = ByteBuffer.allocate(4096);
            long nextTick = System.nanoTime() + tick.toNanos();
            try {
                while (running) {
                    if (System.nanoTime() >= nextTick) {
                        for (SelectionKey key : selector.keys()) {
                            if (key.isValid()) {
                                trickle(key);
                            }
                        }
                        nextTick += tick.toNanos();
                    }
                    selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextTick - System.nanoTime())));
                    for (SelectionKey key : selector.selectedKeys()) {
                        if (key.isValid() && key.isReadable()) {
                            readOrCut(key, sink.clear());
                        }
                    }
                    selector.selectedKeys().clear();
                }
            } catch (IOException e) {
                throw new IllegalStateException("slowloris selector failed", e);
            }
        }

        private void trickle(SelectionKey key) {
            try {
                ((SocketChannel) key.channel()).write(ByteBuffer.wrap(new byte[] {'a'}));
            } catch (IOException e) {
                markCut(key);
            }
        }

        private void readOrCut(SelectionKey key, ByteBuffer sink) {
            try {
                if (((SocketChannel) key.channel()).read(sink) < 0) {
                    markCut(key);
                }
            } catch (IOException e) {
                markCut(key);
            }
        }

        private void markCut(SelectionKey key) {
            key.cancel();
            try {
                key.channel().close();
            } catch (IOException e) {
                // already gone; the cut is what counts
            }
            firstCut.compareAndSet(0, System.nanoTime());
            cut.incrementAndGet();
            allCut.countDown();
        }

        private void closeAll() throws IOException {
            for (SelectionKey key : selector.keys()) {
                key.channel().close();
            }
            selector.close();
        }

        @Override
        public void close() throws Exception {
            running = false;
            selector.wakeup();
            if (driver != null) {
                driver.join(TimeUnit.SECONDS.toMillis(10));
            }
            closeAll();
        }
    }
}
