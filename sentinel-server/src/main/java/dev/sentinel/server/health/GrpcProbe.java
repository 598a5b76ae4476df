package dev.sentinel.server.health;

import dev.sentinel.server.config.HealthCheckConfig;
import dev.sentinel.spi.Target;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.component.ContainerLifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * The standard gRPC health check: a unary {@code grpc.health.v1.Health/Check} over h2c (HTTP/2 with prior
 * knowledge), healthy when the answer is {@code SERVING} with {@code grpc-status 0}. The two messages are
 * tiny, so they are encoded by hand rather than with a protobuf library:
 * <pre>
 * HealthCheckRequest  { string service = 1; }
 * HealthCheckResponse { enum ServingStatus status = 1; }   // UNKNOWN 0, SERVING 1, NOT_SERVING 2
 * </pre>
 * Each is sent in a gRPC frame: a compressed flag (0), a 4-byte big-endian length, the message.
 */
final class GrpcProbe extends ContainerLifeCycle implements Probe {
    static final String PATH = "/grpc.health.v1.Health/Check";
    static final int SERVING = 1;

    private final HttpClient client;
    private final HealthCheckConfig config;
    private final byte[] requestFrame;

    GrpcProbe(HealthCheckConfig config, Executor executor, Scheduler scheduler) {
        this.config = config;
        this.requestFrame = frame(request(config.grpcService()));
        ClientConnector connector = new ClientConnector();
        connector.setSelectors(1);
        connector.setExecutor(executor);
        connector.setScheduler(scheduler);
        connector.setConnectTimeout(config.timeout());
        client = new HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client(connector)));
        client.setExecutor(executor);
        client.setScheduler(scheduler);
        client.setMaxConnectionsPerDestination(1);
        client.setUserAgentField(null);
        addBean(client);
    }

    @Override
    public String check(Target target) throws Exception {
        ContentResponse response = client.newRequest(target.host(), target.port())
                .scheme("http")
                .method(HttpMethod.POST)
                .version(HttpVersion.HTTP_2)
                .path(PATH)
                .headers(headers -> headers.put("te", "trailers"))
                .body(new BytesRequestContent("application/grpc", requestFrame))
                .timeout(config.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .send();
        if (response.getStatus() != 200) {
            return "http status " + response.getStatus();
        }
        String grpcStatus = grpcStatus(response.getTrailers(), response.getHeaders());
        if (!"0".equals(grpcStatus)) {
            return "grpc-status " + grpcStatus;
        }
        int status = servingStatus(response.getContent());
        return status == SERVING ? null : "serving status " + status;
    }

    private static String grpcStatus(HttpFields trailers, HttpFields headers) {
        String status = trailers == null ? null : trailers.get("grpc-status");
        // A "trailers-only" answer carries grpc-status in the headers.
        return status != null ? status : headers.get("grpc-status");
    }

    static byte[] request(String service) {
        if (service.isEmpty()) {
            return new byte[0];
        }
        byte[] name = service.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(name.length + 6);
        out.write(0x0A); // field 1, wire type 2 (length-delimited)
        writeVarint(out, name.length);
        out.write(name, 0, name.length);
        return out.toByteArray();
    }

    static byte[] frame(byte[] message) {
        byte[] frame = new byte[5 + message.length];
        frame[1] = (byte) (message.length >>> 24);
        frame[2] = (byte) (message.length >>> 16);
        frame[3] = (byte) (message.length >>> 8);
        frame[4] = (byte) message.length;
        System.arraycopy(message, 0, frame, 5, message.length);
        return frame;
    }

    /** The status field of a framed HealthCheckResponse; 0 (UNKNOWN) when absent; -1 when malformed. */
    static int servingStatus(byte[] body) {
        if (body.length < 5 || body[0] != 0) {
            return -1;
        }
        int length = ((body[1] & 0xFF) << 24) | ((body[2] & 0xFF) << 16) | ((body[3] & 0xFF) << 8) | (body[4] & 0xFF);
        if (length < 0 || length > body.length - 5) {
            return -1;
        }
        int[] position = {5};
        int end = 5 + length;
        int status = 0;
        while (position[0] < end) {
            long key = readVarint(body, position, end);
            if (key < 0) {
                return -1;
            }
            int wireType = (int) (key & 7);
            if (wireType == 0) {
                long value = readVarint(body, position, end);
                if (value < 0) {
                    return -1;
                }
                if (key >>> 3 == 1) {
                    status = (int) value;
                }
            } else if (wireType == 2) {
                long skip = readVarint(body, position, end);
                if (skip < 0 || skip > end - position[0]) {
                    return -1;
                }
                position[0] += (int) skip;
            } else {
                return -1;
            }
        }
        return status;
    }

    private static long readVarint(byte[] bytes, int[] position, int end) {
        long value = 0;
        for (int shift = 0; shift < 64 && position[0] < end; shift += 7) {
            byte b = bytes[position[0]++];
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        return -1;
    }

    private static void writeVarint(ByteArrayOutputStream out, int value) {
        while ((value & ~0x7F) != 0) {
            out.write((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.write(value);
    }
}
