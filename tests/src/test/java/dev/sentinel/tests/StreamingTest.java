package dev.sentinel.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.tests.support.Backend;
import dev.sentinel.tests.support.Ports;
import dev.sentinel.tests.support.Sentinel;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

/**
 * Responses are relayed as they arrive: an event the upstream flushed reaches the client while the upstream
 * still holds the response open (server-sent events, long polls, progress output), however small it is;
 * and a response the upstream framed with a length keeps it (no re-chunking, HTTP/1.0 keep-alive works).
 */
class StreamingTest {
    @Test
    void eachFlushedEventReachesTheClientBeforeTheStreamEnds() throws Exception {
        CountDownLatch firstSeen = new CountDownLatch(1);
        CountDownLatch secondSeen = new CountDownLatch(1);
        try (Backend backend = Backend.start((received, response, callback) -> {
            response.setStatus(200);
            response.getHeaders().put("Content-Type", "text/event-stream");
            Callback.Completable first = new Callback.Completable();
            response.write(false, ascii("data: one\n\n"), first);
            first.get(10, TimeUnit.SECONDS);
            // The upstream holds the stream open until the client has the first event.
            assertTrue(firstSeen.await(10, TimeUnit.SECONDS), "the first event never reached the client");
            Callback.Completable second = new Callback.Completable();
            response.write(false, ascii("data: two\n\n"), second);
            second.get(10, TimeUnit.SECONDS);
            assertTrue(secondSeen.await(10, TimeUnit.SECONDS), "the second event never reached the client");
            response.write(true, ascii("data: end\n\n"), callback);
        })) {
            int port = Ports.free();
            try (Sentinel sentinel = Sentinel.start("""
                    system { worker-threads 1 }
                    listeners { listener "main" { address "127.0.0.1:%d"; protocol "http" } }
                    routes { route "events" { matches { path-prefix "/" }; upstream "be" } }
                    upstreams { upstream "be" { target "%s" } }
                    """.formatted(port, backend.address()))) {
                HttpResponse<InputStream> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + port + "/events")).timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                assertEquals(200, response.statusCode());
                try (BufferedReader events = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                    assertEquals("data: one", events.readLine());
                    firstSeen.countDown();
                    assertEquals("", events.readLine());
                    assertEquals("data: two", events.readLine());
                    secondSeen.countDown();
                    assertEquals("", events.readLine());
                    assertEquals("data: end", events.readLine());
                }
            }
        }
    }

    @Test
    void theUpstreamsLengthAndDateAreKeptAndTheDateIsSentOnce() throws Exception {
        byte[] body = new byte[200_000];
        java.util.Arrays.fill(body, (byte) 'x');
        try (Backend backend = Backend.start((received, response, callback) -> {
            response.setStatus(200);
            response.getHeaders().put("Date", "Mon, 01 Jan 2024 00:00:00 GMT");
            response.getHeaders().put("Content-Length", body.length);
            // Written in pieces, as a large body arrives: Sentinel relays each as it comes.
            Callback.Completable first = new Callback.Completable();
            response.write(false, ByteBuffer.wrap(body, 0, 1000), first);
            first.get(10, TimeUnit.SECONDS);
            response.write(true, ByteBuffer.wrap(body, 1000, body.length - 1000), callback);
        })) {
            int port = Ports.free();
            try (Sentinel sentinel = Sentinel.start("""
                    system { worker-threads 1 }
                    listeners { listener "main" { address "127.0.0.1:%d"; protocol "http" } }
                    routes { route "files" { matches { path-prefix "/" }; upstream "be" } }
                    upstreams { upstream "be" { target "%s" } }
                    """.formatted(port, backend.address()));
                 RawHttp1 raw = RawHttp1.open(port)) {
                RawHttp1.Response response = raw.send("GET /big HTTP/1.1\r\nHost: t\r\n\r\n").read();
                assertEquals(200, response.status());
                assertEquals(Integer.toString(body.length), response.header("Content-Length"));
                assertEquals(null, response.header("Transfer-Encoding"), "not re-chunked");
                assertEquals(body.length, response.body().length);
                assertEquals(List.of("Mon, 01 Jan 2024 00:00:00 GMT"), response.headers().stream()
                        .filter(h -> h[0].equalsIgnoreCase("Date")).map(h -> h[1]).toList());

                RawHttp1.Response old = raw.send("GET /big HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read();
                assertEquals("keep-alive", old.header("Connection"), "an HTTP/1.0 client keeps its connection");
                assertEquals(200, raw.send("GET /again HTTP/1.1\r\nHost: t\r\n\r\n").read().status());
            }
        }
    }

    private static ByteBuffer ascii(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
    }
}
