package dev.sentinel.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sentinel.tests.support.Backend;
import dev.sentinel.tests.support.Ports;
import dev.sentinel.tests.support.Sentinel;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Upstreams that are down, slow or broken, and the pools that spread and reuse connections. */
class UpstreamErrorsTest {
    private static final Pattern ERROR_JSON =
            Pattern.compile("\\{\"error\":\"[^\"]+\",\"status\":(\\d{3}),\"trace_id\":\"([0-9a-f]{32})\"}");

    /** Released when the class ends, so the slow backend's pending answers do not hold its shutdown. */
    private static final CountDownLatch RELEASE = new CountDownLatch(1);
    @AutoClose
    private static Backend slow;
    @AutoClose
    private static Backend first;
    @AutoClose
    private static Backend second;
    @AutoClose
    private static Backend echo;
    @AutoClose
    private static ServerSocket broken;
    @AutoClose
    private static Sentinel sentinel;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        slow = Backend.start((r, response, callback) -> {
            RELEASE.await(8, TimeUnit.SECONDS);
            Backend.text(response, callback, 200, "late");
        });
        first = Backend.echo();
        second = Backend.echo();
        echo = Backend.echo();
        broken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(UpstreamErrorsTest::serveBrokenResponses);
        port = Ports.free();
        sentinel = Sentinel.start("""
                system { worker-threads 1 }
                listeners { listener "main" { address "127.0.0.1:%d"; protocol "http" } }
                routes {
                  route "dead" { matches { path-prefix "/dead" }; upstream "dead" }
                  route "slow" { matches { path-prefix "/slow" }; upstream "slow" }
                  route "route-timeout" { matches { path-prefix "/route-timeout" }; upstream "lenient"; policies { timeout-secs 1 } }
                  route "broken" { matches { path-prefix "/broken" }; upstream "broken" }
                  route "stall" { matches { path-prefix "/stall" }; upstream "stall" }
                  route "rr" { matches { path-prefix "/rr" }; upstream "rr" }
                  route "all" { matches { path-prefix "/" }; upstream "echo" }
                }
                upstreams {
                  upstream "dead" { target "127.0.0.1:%d"; timeouts { connect-secs 2 } }
                  upstream "slow" { target "%s"; timeouts { connect-secs 2; read-secs 1 } }
                  upstream "lenient" { target "%s"; timeouts { read-secs 30 } }
                  upstream "broken" { target "127.0.0.1:%d" }
                  upstream "stall" { target "127.0.0.1:%d"; timeouts { read-secs 1 } }
                  upstream "rr" { target "%s"; target "%s"; load-balancing "round_robin" }
                  upstream "echo" { target "%s" }
                }
                """.formatted(port, Ports.free(), slow.address(), slow.address(), broken.getLocalPort(),
                broken.getLocalPort(), first.address(), second.address(), echo.address()));
    }

    /** JUnit runs this before it closes the {@code @AutoClose} fields, so held requests end first. */
    @AfterAll
    static void release() {
        RELEASE.countDown();
    }

    @Test
    void targetWithNothingListeningIsA502WithTraceId() throws Exception {
        RawHttp1.Response response = timed(() -> RawHttp1.get(port, "/dead/x"), 10);
        assertError(response, 502);
    }

    @Test
    void upstreamSlowerThanItsReadTimeoutIsA504() throws Exception {
        RawHttp1.Response response = timed(() -> RawHttp1.get(port, "/slow/x"), 10);
        assertError(response, 504);
    }

    @Test
    void routeTimeoutCutsASlowUpstreamShortWithA504() throws Exception {
        RawHttp1.Response response = timed(() -> RawHttp1.get(port, "/route-timeout/x"), 10);
        assertError(response, 504);
    }

    @Test
    void upstreamClosingWithoutAnsweringIsA502() throws Exception {
        RawHttp1.Response response = timed(() -> RawHttp1.get(port, "/broken/silent"), 10);
        assertError(response, 502);
    }

    @Test
    void upstreamClosingMidBodyWithContentLengthIsNeverPassedOffAsComplete() throws Exception {
        assertTruncatedOrFailed("/broken/length");
    }

    @Test
    void upstreamClosingMidChunkedBodyIsNeverPassedOffAsComplete() throws Exception {
        assertTruncatedOrFailed("/broken/chunked");
    }

    @Test
    void upstreamStallingMidBodyIsCutAfterItsReadTimeout() throws Exception {
        assertTruncatedOrFailed("/stall/mid-body");
    }

    @Test
    void roundRobinAlternatesBetweenTwoTargets() throws Exception {
        List<String> ports = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            RawHttp1.Response response = RawHttp1.get(port, "/rr/" + i);
            assertEquals(200, response.status(), response.text());
            ports.add(response.header("X-Backend-Port"));
        }
        Map<String, Integer> counts = new HashMap<>();
        ports.forEach(p -> counts.merge(p, 1, Integer::sum));
        assertEquals(Map.of(Integer.toString(first.port()), 5, Integer.toString(second.port()), 5), counts);
        for (int i = 1; i < ports.size(); i++) {
            assertNotEquals(ports.get(i - 1), ports.get(i), "round robin alternates: " + ports);
        }
    }

    @Test
    void fiftySequentialRequestsShareOneKeptAliveConnection() throws Exception {
        try (RawHttp1 raw = RawHttp1.open(port)) {
            for (int i = 0; i < 50; i++) {
                boolean post = i % 2 == 1;
                String body = post ? "body-" + i : "";
                raw.send((post ? "POST" : "GET") + " /keepalive/" + i + " HTTP/1.1\r\nHost: test\r\n"
                        + (post ? "Content-Length: " + body.length() + "\r\n" : "") + "\r\n" + body);
                RawHttp1.Response response = raw.read();
                assertEquals(200, response.status(), "request " + i + ": " + response.text());
                assertEquals((post ? "POST" : "GET") + " /keepalive/" + i + " " + body, response.text());
                String connection = response.header("Connection");
                assertFalse(connection != null && connection.toLowerCase(Locale.ROOT).contains("close"),
                        "request " + i + " closed the connection");
            }
        }
    }

    /** A response cut by its upstream reaches the client as an error or visibly cut short, promptly. */
    private static void assertTruncatedOrFailed(String path) throws Exception {
        long start = System.nanoTime();
        try (RawHttp1 raw = RawHttp1.open(port)) {
            raw.send("GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n");
            RawHttp1.Response response = raw.read();
            if (response.status() == 502 || response.status() == 504) {
                assertError(response, response.status());
            } else {
                assertEquals(200, response.status());
                assertFalse(response.complete(), "a truncated body of " + response.body().length
                        + " bytes was delivered as complete");
            }
        } catch (SocketTimeoutException hang) {
            fail("the client was left hanging after the upstream closed mid-response");
        } catch (SocketException | EOFException aborted) {
            // The connection was cut: an acceptable way to signal the truncation.
        }
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos());
    }

    private static void assertError(RawHttp1.Response response, int status) {
        assertEquals(status, response.status(), response.text());
        assertTrue(response.header("Content-Type").startsWith("application/json"), response.header("Content-Type"));
        Matcher json = ERROR_JSON.matcher(response.text());
        assertTrue(json.matches(), response.text());
        assertEquals(Integer.toString(status), json.group(1));
        assertEquals(json.group(2), response.header("X-Correlation-Id"));
    }

    private interface Call {
        RawHttp1.Response call() throws Exception;
    }

    /** Runs {@code call}, failing when it takes {@code maxSeconds} or more (a generous no-hang bound). */
    private static RawHttp1.Response timed(Call call, int maxSeconds) throws Exception {
        long start = System.nanoTime();
        RawHttp1.Response response = call.call();
        long elapsed = System.nanoTime() - start;
        assertTrue(elapsed < Duration.ofSeconds(maxSeconds).toNanos(), "took " + elapsed / 1_000_000 + " ms");
        return response;
    }

    /** The "broken" upstream: answers each request by its path, then closes the connection or stalls. */
    private static void serveBrokenResponses() {
        while (!broken.isClosed()) {
            try {
                Socket socket = broken.accept();
                Thread.ofVirtual().start(() -> answerBrokenly(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void answerBrokenly(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String requestLine = RawHttp1.line(in);
            for (String line = RawHttp1.line(in); line != null && !line.isEmpty(); line = RawHttp1.line(in)) {
                // skip the request head
            }
            OutputStream out = socket.getOutputStream();
            byte[] part = "x".repeat(200_000).getBytes(StandardCharsets.ISO_8859_1);
            if (requestLine.contains("/stall/")) {
                out.write(("HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(part);
                out.flush();
                in.read(); // says nothing more until the proxy gives up and closes
            } else if (requestLine.contains("/broken/length")) {
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.write(part);
            } else if (requestLine.contains("/broken/chunked")) {
                out.write(("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(part.length)
                        + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(part);
                out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            out.flush();
        } catch (IOException e) {
            // the proxy went away first
        }
    }
}
