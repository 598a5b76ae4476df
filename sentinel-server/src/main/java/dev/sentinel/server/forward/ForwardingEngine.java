package dev.sentinel.server.forward;

import dev.sentinel.server.observability.ProxyMetrics;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The seam between the request path and the bytes: relays a routed request to a target of its upstream
 * pool over that pool's {@link dev.sentinel.server.upstream.UpstreamClient}, on Jetty's core API, and streams
 * the response back.
 *
 * <p>No servlet layer sits between the connector and the upstream client: the request's own
 * {@link Request}/{@link Response} are relayed chunk by chunk, each written as it arrives (server-sent events
 * are not held back) and read again only once written (back-pressure on both legs). What one exchange does,
 * attempt by attempt, is {@link ProxyExchange}'s.
 */
public final class ForwardingEngine {
    private final ProxyMetrics metrics;

    public ForwardingEngine(ProxyMetrics metrics) {
        this.metrics = metrics;
    }

    /** Forwards {@code request}; {@code callback} completes when the response did, or failed. */
    public void forward(Request request, Response response, Callback callback, ForwardRequest forward) {
        new ProxyExchange(request, response, callback, forward, metrics.upstream(forward.pool().id())).start();
    }
}
