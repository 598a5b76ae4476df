package dev.sentinel.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.tests.support.Backend;
import dev.sentinel.tests.support.Metrics;
import dev.sentinel.tests.support.Ports;
import dev.sentinel.tests.support.Sentinel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
import java.time.Duration;
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
 * and a thousand slowloris connections do not keep normal clients from being served. Slow request bodies:
 * {@link SlowBodiesTest}.
 */
class SlowClientsTest {
    private static final int REQUEST_TIMEOUT_SECS = 2;
    private static final int KEEPALIVE_TIMEOUT_SECS = 5;
    private static final String HEADER_TIMEOUT = "sentinel_connections_refused_total{reason=\"header_timeout\"}";
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
