package dev.sentinel.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.sentinel.tests.support.Backend;
import dev.sentinel.tests.support.Ports;
import dev.sentinel.tests.support.Sentinel;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code keepalive-max-requests}: the N-th response on a connection says {@code Connection: close}, and the
 * connection ends.
 */
class KeepAliveLimitTest {
    private static final int MAX_REQUESTS = 3;
    private static final String HIT = "sentinel_connections_refused_total{reason=\"keepalive_max_requests\"}";

    private static Backend backend;
    private static Sentinel sentinel;
    private static int limited;
    private static int unlimited;

    @BeforeAll
    static void start() throws Exception {
        backend = Backend.echo();
        limited = Ports.free();
        unlimited = Ports.free();
        sentinel = Sentinel.start("""
                system { worker-threads 1 }
                listeners {
                  listener "limited" { address "127.0.0.1:%d"; keepalive-max-requests %d }
                  listener "default" { address "127.0.0.1:%d" }
                }
                routes {
                  route "metrics" { priority "critical"; matches { path "/metrics" }; builtin-handler "metrics" }
                  route "api" { matches { path-prefix "/" }; upstream "be" }
                }
                upstreams { upstream "be" { target "%s" } }
                """.formatted(limited, MAX_REQUESTS, unlimited, backend.address()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (sentinel != null) {
            sentinel.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void theNthResponseCarriesConnectionCloseAndTheConnectionEnds() throws Exception {
        double before = metric(HIT);
        for (int round = 0; round < 2; round++) {
            try (Socket socket = connect(limited)) {
                for (int i = 1; i <= MAX_REQUESTS; i++) {
                    socket.getOutputStream().write(get("/round/" + round + "/" + i));
                    Response response = Response.read(socket.getInputStream());
                    assertEquals(200, response.status());
                    assertEquals("GET /round/" + round + "/" + i + " ", response.body());
                    String connection = response.headers().get("connection");
                    if (i < MAX_REQUESTS) {
                        assertNull(connection, "response " + i + " keeps the connection: " + response.headers());
                    } else {
                        assertEquals("close", connection, "response " + i + ": " + response.headers());
                    }
                }
                assertEquals(-1, socket.getInputStream().read(), "the connection is closed after the last response");
            }
        }
        assertEquals(before + 2, metric(HIT), "each connection that reached the limit is counted once");
    }

    @Test
    void pipelinedRequestsBeyondTheLimitAreNeverServed() throws Exception {
        try (Socket socket = connect(limited)) {
            StringBuilder pipeline = new StringBuilder();
            for (int i = 1; i <= MAX_REQUESTS + 2; i++) {
                pipeline.append("GET /pipelined/").append(i).append(" HTTP/1.1\r\nHost: sentinel\r\n\r\n");
            }
            socket.getOutputStream().write(pipeline.toString().getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            for (int i = 1; i <= MAX_REQUESTS; i++) {
                Response response = Response.read(in);
                assertEquals("GET /pipelined/" + i + " ", response.body());
                assertEquals(i == MAX_REQUESTS ? "close" : null, response.headers().get("connection"));
            }
            assertEquals(-1, in.read(), "requests after the limit get no response");
        }
    }

    @Test
    void withoutTheKeyAConnectionServesManyRequests() throws Exception {
        try (Socket socket = connect(unlimited)) {
            for (int i = 1; i <= 20; i++) {
                socket.getOutputStream().write(get("/many/" + i));
                Response response = Response.read(socket.getInputStream());
                assertEquals(200, response.status());
                assertNull(response.headers().get("connection"), "request " + i + ": " + response.headers());
            }
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static byte[] get(String path) {
        return ("GET " + path + " HTTP/1.1\r\nHost: sentinel\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The value of a series read through the metrics route, 0 when absent. */
    private static double metric(String series) throws IOException {
        try (Socket socket = connect(unlimited)) {
            socket.getOutputStream().write(get("/metrics"));
            String text = Response.read(socket.getInputStream()).body();
            Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)").matcher(text);
            return m.find() ? Double.parseDouble(m.group(1)) : 0;
        }
    }

    /** One HTTP/1.1 response read off a raw socket: status, headers (lower-case names), body by Content-Length. */
    private record Response(int status, Map<String, String> headers, String body) {
        static Response read(InputStream in) throws IOException {
            String statusLine = line(in);
            Map<String, String> headers = new TreeMap<>();
            for (String header = line(in); !header.isEmpty(); header = line(in)) {
                int colon = header.indexOf(':');
                headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        header.substring(colon + 1).trim());
            }
            byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
            return new Response(Integer.parseInt(statusLine.split(" ")[1]), headers,
                    new String(body, StandardCharsets.UTF_8));
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b == -1) {
                    throw new EOFException("connection closed inside a response: " + line);
                }
                if (b != '\r') {
                    line.write(b);
                }
            }
            return line.toString(StandardCharsets.US_ASCII);
        }
    }
}
