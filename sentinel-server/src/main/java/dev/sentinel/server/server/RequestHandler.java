package dev.sentinel.server.server;

import dev.sentinel.server.config.LimitsConfig;
import dev.sentinel.server.config.PoliciesConfig;
import dev.sentinel.server.config.RouteConfig;
import dev.sentinel.server.error.ErrorResponses;
import dev.sentinel.server.forward.ForwardRequest;
import dev.sentinel.server.forward.ResponseStamp;
import dev.sentinel.server.limits.Refusal;
import dev.sentinel.server.limits.RequestFraming;
import dev.sentinel.server.limits.RequestLimits;
import dev.sentinel.server.log.RequestFacts;
import dev.sentinel.server.observability.ProxyMetrics;
import dev.sentinel.server.observability.RouteMetrics;
import dev.sentinel.server.observability.TraceIds;
import dev.sentinel.server.routing.CompiledRoute;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The life of a request, in order: trace id and response stamp → header limits → route → builtin
 * handler, or body limit and hand-off to the forwarding engine (the wrapped handler) → metrics when the
 * response completes. While the server is draining, HTTP/1 responses carry {@code Connection: close}.
 */
final class RequestHandler extends Handler.Wrapper {
    private final AtomicReference<RuntimeSnapshot> current;
    private final Builtins builtins;
    private final ProxyMetrics metrics;
    private final AtomicBoolean draining;

    RequestHandler(AtomicReference<RuntimeSnapshot> current, Builtins builtins, ProxyMetrics metrics,
                   AtomicBoolean draining, Handler forwardingEngine) {
        super(forwardingEngine);
        this.current = current;
        this.builtins = builtins;
        this.metrics = metrics;
        this.draining = draining;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        long startNanos = System.nanoTime();
        RuntimeSnapshot snapshot = current.get();
        String traceId = TraceIds.of(request.getHeaders());
        ResponseStamp.stamp(response.getHeaders(), traceId, snapshot.config().system().securityHeaders());

        String listenerId = request.getConnectionMetaData().getConnector().getName();
        metrics.requestArrived(listenerId);
        CompiledRoute route = snapshot.route(new JettyRoutingRequest(request), listenerId);
        String routeId = route == null ? ProxyMetrics.NO_ROUTE : route.id();
        request.setAttribute(RequestFacts.ATTRIBUTE, new RequestFacts(traceId, routeId));
        RouteMetrics routeMetrics = metrics.route(routeId);
        routeMetrics.started();
        Callback completion = recordOnCompletion(callback, request, response, routeMetrics, startNanos);
        if (draining.get() && request.getConnectionMetaData().getHttpVersion().getVersion() < 20) {
            // Keep-alive clients reconnect, and their load balancer sends them elsewhere.
            response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        }
        // From here on the completion must run whatever happens: it balances sentinel_active_requests.
        try {
            if (!dispatch(request, response, completion, snapshot, route, traceId)) {
                ErrorResponses.write(response, completion, 404, traceId, false);
            }
        } catch (Throwable failure) {
            completion.failed(failure);
        }
        return true;
    }

    private boolean dispatch(Request request, Response response, Callback completion, RuntimeSnapshot snapshot,
                             CompiledRoute route, String traceId) throws Exception {
        LimitsConfig limits = snapshot.config().limits();
        Refusal refusal = RequestFraming.check(request);
        if (refusal == null) {
            refusal = RequestLimits.headerCount(request, limits.maxHeaderCount());
        }
        if (refusal != null) {
            return refuse(refusal, response, completion, traceId);
        }
        if (route == null) {
            ErrorResponses.write(response, completion, 404, traceId, false);
            return true;
        }
        RouteConfig config = route.config();
        if (config.serviceType() == RouteConfig.ServiceType.BUILTIN) {
            builtins.handle(config.builtin(), snapshot, response, completion, traceId);
            return true;
        }

        long maxBody = config.policies().maxBodySizeBytes() == PoliciesConfig.INHERIT ? limits.maxBodySizeBytes()
                : config.policies().maxBodySizeBytes();
        refusal = RequestLimits.declaredBody(request, maxBody);
        if (refusal != null) {
            return refuse(refusal, response, completion, traceId);
        }
        request.setAttribute(ForwardRequest.ATTRIBUTE, new ForwardRequest(route.id(),
                snapshot.pool(config.upstream()), config.policies(), traceId,
                snapshot.config().system().securityHeaders()));
        return super.handle(RequestLimits.limitBody(request, maxBody), response, completion);
    }

    private boolean refuse(Refusal refusal, Response response, Callback completion, String traceId) {
        metrics.requestRefused(refusal.reason());
        if (refusal.allow() != null) {
            response.getHeaders().put(HttpHeader.ALLOW, refusal.allow());
        }
        ErrorResponses.write(response, completion, refusal.status(), traceId, true);
        return true;
    }

    /** Body bytes come from Jetty's own counts, so streamed and cut-short bodies count what actually moved. */
    private Callback recordOnCompletion(Callback callback, Request request, Response response, RouteMetrics route,
                                        long startNanos) {
        return new Callback.Nested(callback) {
            /** Recorded once, should a failure be reported after the response completed. */
            private volatile boolean recorded;

            @Override
            public void succeeded() {
                record();
                super.succeeded();
            }

            @Override
            public void failed(Throwable failure) {
                record();
                super.failed(failure);
            }

            private void record() {
                if (recorded) {
                    return;
                }
                recorded = true;
                metrics.requestCompleted(route, request.getMethod(), response.getStatus(), System.nanoTime() - startNanos,
                        Request.getContentBytesRead(request), Response.getContentBytesWritten(response));
            }
        };
    }
}
