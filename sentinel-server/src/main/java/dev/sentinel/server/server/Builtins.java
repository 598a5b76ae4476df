package dev.sentinel.server.server;

import dev.sentinel.server.config.RouteConfig.Builtin;
import dev.sentinel.server.error.ErrorResponses;
import dev.sentinel.server.observability.ProxyMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The responses Sentinel serves itself: {@code status}, {@code health}, {@code metrics}, {@code not-found},
 * {@code upstreams}. While the server drains, {@code health} answers 503 {@code {"status":"draining"}}, so
 * load balancers take it out of rotation.
 */
final class Builtins {
    private static final String JSON = "application/json";

    private final ProxyMetrics metrics;
    private final Instant startedAt;
    private final AtomicBoolean draining;

    Builtins(ProxyMetrics metrics, Instant startedAt, AtomicBoolean draining) {
        this.metrics = metrics;
        this.startedAt = startedAt;
        this.draining = draining;
    }

    void handle(Builtin builtin, RuntimeSnapshot snapshot, Response response, Callback callback, String traceId) {
        switch (builtin) {
            case STATUS -> write(response, callback, 200, JSON, status(snapshot));
            case HEALTH -> {
                if (draining.get()) {
                    write(response, callback, 503, JSON, "{\"status\":\"draining\"}");
                } else {
                    write(response, callback, 200, JSON, "{\"status\":\"healthy\"}");
                }
            }
            case METRICS -> writeMetrics(response, callback);
            case NOT_FOUND -> ErrorResponses.write(response, callback, 404, traceId, false);
            case UPSTREAMS -> write(response, callback, 200, JSON, snapshot.upstreamsJson());
        }
    }

    /** Serves the metrics text; also used by the dedicated metrics listener. */
    void writeMetrics(Response response, Callback callback) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            metrics.writeTo(out);
        } catch (IOException e) {
            callback.failed(e);
            return;
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, ProxyMetrics.CONTENT_TYPE);
        response.write(true, ByteBuffer.wrap(out.toByteArray()), callback);
    }

    private String status(RuntimeSnapshot snapshot) {
        long uptime = Duration.between(startedAt, Instant.now()).toSeconds();
        return "{\"status\":\"ok\",\"service\":\"sentinel\",\"version\":\"" + Version.CURRENT + "\",\"uptime_secs\":"
                + uptime + ",\"routes\":" + snapshot.config().routes().size() + ",\"upstreams\":"
                + snapshot.config().upstreams().size() + "}";
    }

    private static void write(Response response, Callback callback, int status, String contentType, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    }
}
