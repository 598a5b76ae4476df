package dev.sentinel.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.tests.support.Backend;
import dev.sentinel.tests.support.Ports;
import dev.sentinel.tests.support.Sentinel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The JSON access log: one object per line, with the request's trace id, route and upstream. */
class AccessLogTest {
    @AutoClose
    private static Backend backend;
    @AutoClose
    private static Sentinel sentinel;
    private static Path logFile;
    private static int port;
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        backend = Backend.echo();
        port = Ports.free();
        logFile = Files.createTempDirectory("sentinel-access").resolve("logs/access.log");
        sentinel = Sentinel.start("""
                system { worker-threads 1 }
                listeners { listener "main" { address "127.0.0.1:%d"; protocol "http" } }
                routes { route "api" { matches { path-prefix "/api" }; upstream "be" } }
                upstreams { upstream "be" { target "%s" } }
                observability { logging { access-log { enabled #true; file "%s"; include-trace-id #true } } }
                """.formatted(port, backend.address(), logFile));
    }

    @Test
    void aProxiedRequestIsLoggedWithItsTraceIdRouteAndUpstream() throws Exception {
        HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(uri("/api/items?page=2"))
                .header("X-Request-Id", "trace-log-1")
                .POST(HttpRequest.BodyPublishers.ofString("12345")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        String line = awaitLine("trace-log-1");
        assertTrue(line.contains("\"client_ip\":\"127.0.0.1\""), line);
        assertTrue(line.contains("\"method\":\"POST\""), line);
        assertTrue(line.contains("\"path\":\"/api/items\""), line);
        assertTrue(line.contains("\"query\":\"page=2\""), line);
        assertTrue(line.contains("\"status\":200"), line);
        assertTrue(line.contains("\"bytes_in\":5"), line);
        assertTrue(line.contains("\"route\":\"api\""), line);
        assertTrue(line.contains("\"upstream\":\"be\""), line);
        assertTrue(line.contains("\"upstream_addr\":\"" + backend.address() + "\""), line);
        assertTrue(line.matches("\\{.*\"duration_ms\":[0-9.]+.*}"), line);
        assertTrue(line.matches("\\{.*\"upstream_write_pending_ms\":[0-9.E-]+.*}"), line);
    }

    @Test
    void anUnroutedRequestIsLoggedUnderRouteNoneWithoutUpstream() throws Exception {
        CLIENT.send(HttpRequest.newBuilder(uri("/nowhere")).header("X-Request-Id", "trace-log-404").build(),
                HttpResponse.BodyHandlers.ofString());
        String line = awaitLine("trace-log-404");
        assertTrue(line.contains("\"status\":404") && line.contains("\"route\":\"none\""), line);
        assertFalse(line.contains("\"upstream\""), line);
        assertFalse(line.contains("\"upstream_write_pending_ms\""), line);
    }

    @Test
    void hostileCharactersCannotBreakTheLineAndAreStillForwarded() throws Exception {
        String raw = "GET /api/x?q=\"quoted\\ HTTP/1.1\r\nHost: h\r\nX-Request-Id: trace-log-esc\r\n"
                + "Connection: close\r\n\r\n";
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            String head = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
        }
        String line = awaitLine("trace-log-esc");
        assertTrue(line.contains("\"query\":\"q=\\\"quoted\\\\\""), line);
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** The log line carrying {@code traceId}; lines are written off the request path, so poll. */
    private static String awaitLine(String traceId) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (Files.exists(logFile)) {
                List<String> lines = Files.readAllLines(logFile);
                for (String line : lines) {
                    if (line.contains("\"trace_id\":\"" + traceId + "\"")) {
                        return line;
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no access log line for " + traceId + " in " + logFile + ":\n" + sentinel.output());
    }
}
