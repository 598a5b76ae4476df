package dev.sentinel.server.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.sentinel.spi.Target;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The upstream client against a backend socket the test answers by hand. */
class UpstreamClientTest {
    @Test
    void pastItsConnectionsARequestWaitsForOneAndPastTheQueueItFails() throws Exception {
        try (ServerSocket backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Target target = new Target("127.0.0.1", backend.getLocalPort(), 1);
            UpstreamClient client = new UpstreamClient(List.of(target), new ClientConnector(), 1, 2, 8192);
            client.start();
            try {
                Recorder first = new Recorder(false);
                Recorder second = new Recorder(false);
                Recorder third = new Recorder(false);
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

    @ParameterizedTest
    @ValueSource(strings = {"GET 204", "HEAD 200", "HEAD 103 200"})
    void aBodilessResponseEndsWhenItsHeadWentToAThreadThatMayBlock(String exchange) throws Exception {
        String[] parts = exchange.split(" ");
        StringBuilder response = new StringBuilder();
        for (int i = 1; i < parts.length; i++) {
            // A 103 first, as an interim response; the final response's length announces no body to a HEAD.
            response.append("HTTP/1.1 ").append(parts[i]).append(" X\r\n")
                    .append(parts[i].equals("103") ? "Link: </a.css>\r\n" : "Content-Length: " + (parts[0].equals("HEAD") ? 5 : 0) + "\r\n")
                    .append("\r\n");
        }
        try (ServerSocket backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Target target = new Target("127.0.0.1", backend.getLocalPort(), 1);
            UpstreamClient client = new UpstreamClient(List.of(target), new ClientConnector(), 4, 4, 8192);
            client.start();
            try {
                Recorder recorder = new Recorder(true);
                client.send(target, parts[0], "/", headers(), null, null, recorder);
                try (Socket upstream = backend.accept()) {
                    upstream.setSoTimeout(10_000);
                    requestLine(upstream.getInputStream());
                    upstream.getOutputStream().write(response.toString().getBytes(StandardCharsets.US_ASCII));
                    assertEquals("", recorder.body.get(10, TimeUnit.SECONDS));
                    assertEquals(Integer.parseInt(parts[parts.length - 1]), recorder.status);
                }
            } finally {
                client.stop();
            }
        }
    }

    @Test
    void aBodyOfManyReadyChunksIsWrittenWhole() throws Exception {
        try (ServerSocket backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Target target = new Target("127.0.0.1", backend.getLocalPort(), 1);
            UpstreamClient client = new UpstreamClient(List.of(target), new ClientConnector(), 4, 4, 8192);
            client.start();
            try {
                int chunks = 20_000;
                Recorder upload = new Recorder(false);
                client.send(target, "POST", "/upload", headers().put(HttpHeader.CONTENT_LENGTH, chunks), new ReadyChunks(chunks),
                        null, upload);
                try (Socket upstream = backend.accept()) {
                    upstream.setSoTimeout(10_000);
                    InputStream in = upstream.getInputStream();
                    requestLine(in);
                    assertEquals(chunks, in.readNBytes(chunks).length, "every byte of the body arrived");
                    upstream.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    assertEquals("", upload.body.get(10, TimeUnit.SECONDS));
                }
            } finally {
                client.stop();
            }
        }
    }

    @Test
    void whenConnectsFailEveryWaitingRequestHearsIt() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        Target target = new Target("127.0.0.1", port, 1);
        UpstreamClient client = new UpstreamClient(List.of(target), new ClientConnector(), 1, 8, 8192);
        client.start();
        try {
            List<Recorder> requests = List.of(new Recorder(false), new Recorder(false), new Recorder(false),
                    new Recorder(false));
            for (Recorder request : requests) {
                client.send(target, "GET", "/", headers(), null, null, request);
            }
            for (Recorder request : requests) {
                assertInstanceOf(ConnectException.class, rootCause(request.failure.get(10, TimeUnit.SECONDS)));
            }
        } finally {
            client.stop();
        }
    }

    @Test
    void aPooledConnectionThatTimedOutIsNotHandedOut() throws Exception {
        try (ServerSocket backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Target target = new Target("127.0.0.1", backend.getLocalPort(), 1);
            ClientConnector connector = new ClientConnector();
            connector.setIdleTimeout(Duration.ofMillis(200));
            UpstreamClient client = new UpstreamClient(List.of(target), connector, 4, 4, 8192);
            client.start();
            try {
                Recorder first = new Recorder(false);
                client.send(target, "GET", "/first", headers(), null, null, first);
                try (Socket upstream = backend.accept()) {
                    upstream.setSoTimeout(10_000);
                    requestLine(upstream.getInputStream());
                    upstream.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    assertEquals("", first.body.get(10, TimeUnit.SECONDS));
                    assertEquals(-1, upstream.getInputStream().read(), "the idle connection expired and was closed");
                }
                Recorder second = new Recorder(false);
                client.send(target, "GET", "/second", headers(), null, null, second);
                try (Socket upstream = backend.accept()) {
                    upstream.setSoTimeout(10_000);
                    assertEquals("GET /second HTTP/1.1", requestLine(upstream.getInputStream()));
                    upstream.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    assertEquals("", second.body.get(10, TimeUnit.SECONDS));
                }
            } finally {
                client.stop();
            }
        }
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root;
    }

    /** A body whose one-byte chunks are all there at once, as from a fast client. */
    private static final class ReadyChunks implements Content.Source {
        private int left;

        ReadyChunks(int chunks) {
            this.left = chunks;
        }

        @Override
        public Content.Chunk read() {
            left--;
            return Content.Chunk.from(ByteBuffer.wrap(new byte[] {'x'}), left == 0);
        }

        @Override
        public void demand(Runnable demandCallback) {
            demandCallback.run();
        }

        @Override
        public void fail(Throwable failure) {
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
        private final boolean mayBlock;
        volatile int status;

        Recorder(boolean mayBlock) {
            this.mayBlock = mayBlock;
        }

        @Override
        public Throwable onHead(int status, HttpFields headers) {
            this.status = status;
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
            return mayBlock;
        }
    }
}
