package dev.sentinel.tests.support;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A real HTTP backend on loopback (a small Jetty server) that records every request it receives, body
 * included, and answers through a {@link Responder}. The default responder echoes: 200, a
 * {@code X-Backend-Port} header and the text {@code "<METHOD> <URI> <body>"}.
 */
public final class Backend implements AutoCloseable {
    /** A request as the backend saw it. */
    public record Received(String method, String uri, HttpFields headers, byte[] body) {
        public String header(String name) {
            return headers.get(name);
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** Answers a request whose body was already read. May block: it runs on a pool thread. */
    @FunctionalInterface
    public interface Responder {
        void respond(Received received, Response response, Callback callback) throws Exception;
    }

    private final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(server);
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

    private Backend(Responder responder, int port) {
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                byte[] body = Content.Source.asInputStream(request).readAllBytes();
                Received r = new Received(request.getMethod(), request.getHttpURI().getPathQuery(),
                        HttpFields.build(request.getHeaders()).asImmutable(), body);
                received.add(r);
                responder.respond(r, response, callback);
                return true;
            }
        });
    }

    public static Backend start(Responder responder) throws Exception {
        return startOn(0, responder);
    }

    /** A backend on a given port (0 = any), e.g. to revive one a test killed. */
    public static Backend startOn(int port, Responder responder) throws Exception {
        Backend backend = new Backend(responder, port);
        backend.server.start();
        return backend;
    }

    /** The echoing backend. */
    public static Backend echo() throws Exception {
        Backend[] self = new Backend[1];
        self[0] = start((r, response, callback) -> {
            response.getHeaders().put("X-Backend-Port", Integer.toString(self[0].port()));
            text(response, callback, 200, r.method() + " " + r.uri() + " " + r.bodyText());
        });
        return self[0];
    }

    /** Writes a text/plain answer. */
    public static void text(Response response, Callback callback, int status, String body) {
        response.setStatus(status);
        response.getHeaders().put("Content-Type", "text/plain;charset=utf-8");
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    }

    public int port() {
        return connector.getLocalPort();
    }

    /** {@code host:port} for a config's {@code target}. */
    public String address() {
        return "127.0.0.1:" + port();
    }

    /** The next recorded request; fails if none arrives within 10 s. */
    public Received take() throws InterruptedException {
        Received r = received.poll(10, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("the backend received no request within 10 s");
        }
        return r;
    }

    /** Fails if any request arrives within {@code window} (for "never reaches the upstream" checks). */
    public void assertNothingReceived(Duration window) throws InterruptedException {
        Received r = received.poll(window.toMillis(), TimeUnit.MILLISECONDS);
        if (r != null) {
            throw new AssertionError("the backend received " + r.method() + " " + r.uri());
        }
    }

    public int receivedCount() {
        return received.size();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
