package dev.sentinel.tests.support;

import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A server that speaks the standard gRPC health protocol ({@code grpc.health.v1.Health/Check}) over h2c, as
 * a gRPC server does: HTTP/2 only, {@code application/grpc} frames, {@code grpc-status} in the trailers.
 * The protobuf messages are encoded by hand. {@link #status} is the ServingStatus it answers (1 SERVING,
 * 2 NOT_SERVING); each request is recorded as {@code "<protocol> <path> <content-type> <service>"}.
 */
public final class GrpcHealthServer implements AutoCloseable {
    public static final int SERVING = 1;
    public static final int NOT_SERVING = 2;

    public final AtomicInteger status = new AtomicInteger(SERVING);
    private final BlockingQueue<String> requests = new LinkedBlockingQueue<>();
    private final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(server,
            new HTTP2CServerConnectionFactory(new HttpConfiguration()));

    public GrpcHealthServer() throws Exception {
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                byte[] body = Content.Source.asInputStream(request).readAllBytes();
                requests.add(request.getConnectionMetaData().getProtocol() + " " + request.getHttpURI().getPath() + " "
                        + request.getHeaders().get("content-type") + " " + service(body));
                if (!"/grpc.health.v1.Health/Check".equals(request.getHttpURI().getPath())) {
                    response.setStatus(200);
                    response.getHeaders().put("content-type", "application/grpc");
                    response.getHeaders().put("grpc-status", "12"); // UNIMPLEMENTED, trailers-only
                    callback.succeeded();
                    return true;
                }
                response.setStatus(200);
                response.getHeaders().put("content-type", "application/grpc");
                response.setTrailersSupplier(() -> HttpFields.build().put("grpc-status", "0"));
                byte[] frame = {0, 0, 0, 0, 2, 0x08, (byte) status.get()};
                response.write(true, ByteBuffer.wrap(frame), callback);
                return true;
            }
        });
        server.start();
    }

    public String address() {
        return "127.0.0.1:" + connector.getLocalPort();
    }

    /** The next request seen, or {@code null} after 10 s. */
    public String take() throws InterruptedException {
        return requests.poll(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** The service named in a framed HealthCheckRequest (field 1), "" when absent. */
    private static String service(byte[] frame) {
        if (frame.length < 7 || frame[5] != 0x0A) {
            return "\"\"";
        }
        return "\"" + new String(frame, 7, frame[6], java.nio.charset.StandardCharsets.UTF_8) + "\"";
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
