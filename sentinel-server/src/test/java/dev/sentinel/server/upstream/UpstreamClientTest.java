package dev.sentinel.server.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.sentinel.spi.Target;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

/** The upstream client's pool bounds, against a backend socket the test answers by hand. */
class UpstreamClientTest {
    @Test
    void pastItsConnectionsARequestWaitsForOneAndPastTheQueueItFails() throws Exception {
        try (ServerSocket backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Target target = new Target("127.0.0.1", backend.getLocalPort(), 1);
            UpstreamClient client = new UpstreamClient(List.of(target), new ClientConnector(), 1, 2, 8192);
            client.start();
            try {
                Recorder first = new Recorder();
                Recorder second = new Recorder();
                Recorder third = new Recorder();
                client.send(target, "GET", "/first", headers(), null, null, first);
                client.send(target, "GET", "/second", headers(), null, null, second);
                client.send(target, "GET", "/third", headers(), null, null, third);
                assertInstanceOf(RejectedExecutionException.class, third.failure.get(10, TimeUnit.SECONDS),
                        "two wait for the one connection: a third has no place");
                try (Socket upstream = backend.accept()) {
                    upstream.setSoTimeout(10_000);
                    assertEquals("GET /first HTTP/1.1", requestLine(upstream.getInputStream()));
                    upstream.getOutputStream().write(
                            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
                    assertEquals("ok", first.body.get(10, TimeUnit.SECONDS));
                    // The waiting request goes out on the connection the first one gave back.
                    assertEquals("GET /second HTTP/1.1", requestLine(upstream.getInputStream()));
                    upstream.getOutputStream().write(
                            "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nyes".getBytes(StandardCharsets.US_ASCII));
                    assertEquals("yes", second.body.get(10, TimeUnit.SECONDS));
                }
                assertFalse(first.failure.isDone());
                assertFalse(second.failure.isDone());
            } finally {
                client.stop();
            }
        }
    }

    private static HttpFields.Mutable headers() {
        return HttpFields.build().put(HttpHeader.HOST, "backend.test");
    }

    /** The request line of the next request head on {@code in}, the rest of the head read and dropped. */
    private static String requestLine(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed in a request head: " + head);
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.US_ASCII).lines().findFirst().orElseThrow();
    }

    /** Collects one response's body, or its failure. */
    private static final class Recorder implements UpstreamListener {
        final CompletableFuture<String> body = new CompletableFuture<>();
        final CompletableFuture<Throwable> failure = new CompletableFuture<>();
        private final StringBuilder text = new StringBuilder();

        @Override
        public Throwable onHead(int status, HttpFields headers) {
            return null;
        }

        @Override
        public void onContent(ByteBuffer content, Callback done) {
            text.append(BufferUtil.toString(content, StandardCharsets.US_ASCII));
            done.succeeded();
        }

        @Override
        public void onComplete(Content.Chunk last) {
            if (last != null) {
                text.append(BufferUtil.toString(last.getByteBuffer(), StandardCharsets.US_ASCII));
                last.release();
            }
            body.complete(text.toString());
        }

        @Override
        public void onFailure(int status, Throwable cause) {
            failure.complete(cause);
        }

        @Override
        public boolean mayBlock() {
            return false;
        }
    }
}
