package dev.sentinel.server.server;

import dev.sentinel.server.config.LimitsConfig;
import dev.sentinel.server.config.PoliciesConfig;
import dev.sentinel.server.config.RouteConfig;
import dev.sentinel.server.error.ErrorResponses;
import dev.sentinel.server.filter.FilterChain;
import dev.sentinel.server.filter.Replies;
import dev.sentinel.server.filter.ResponsePhase;
import dev.sentinel.server.forward.ForwardRequest;
import dev.sentinel.server.forward.ForwardingEngine;
import dev.sentinel.server.forward.ResponseStamp;
import dev.sentinel.server.limits.BodyRate;
import dev.sentinel.server.limits.Refusal;
import dev.sentinel.server.limits.RequestFraming;
import dev.sentinel.server.limits.RequestLimits;
import dev.sentinel.server.log.RequestFacts;
import dev.sentinel.server.observability.ProxyMetrics;
import dev.sentinel.server.observability.RouteMetrics;
import dev.sentinel.server.observability.TraceIds;
import dev.sentinel.server.routing.CompiledRoute;
import dev.sentinel.spi.Decision;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http2.HTTP2Connection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The life of a request, in order: trace id and response stamp → header limits → route → body limit →
 * the route's filters (request phase) → builtin handler, or hand-off to the forwarding engine (the wrapped
 * engine), with the filters' response phase owed to whichever answers → metrics when the response
 * completes. While the server is draining, connections end after their current requests.
 */
final class RequestHandler extends Handler.Abstract {
    private final AtomicReference<RuntimeSnapshot> current;
    private final Builtins builtins;
    private final ProxyMetrics metrics;
    private final AtomicBoolean draining;
    private final ForwardingEngine forwardingEngine;
    private final boolean accessLogged;
    private final Runnable bodyTooSlow;

    /** @param accessLogged whether an access log reads each request's {@link RequestFacts} (fixed until restart) */
    RequestHandler(AtomicReference<RuntimeSnapshot> current, Builtins builtins, ProxyMetrics metrics,
                   AtomicBoolean draining, ForwardingEngine forwardingEngine, boolean accessLogged) {
        this.current = current;
        this.builtins = builtins;
        this.metrics = metrics;
        this.draining = draining;
        this.forwardingEngine = forwardingEngine;
        this.accessLogged = accessLogged;
        this.bodyTooSlow = () -> metrics.requestRefused(BodyRate.TOO_SLOW);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        long startNanos = System.nanoTime();
        RuntimeSnapshot snapshot = current.get();
        String traceId = TraceIds.of(request.getHeaders());
        ResponseStamp.stamp(response.getHeaders(), traceId, snapshot.config().system().securityHeaders());

        String listenerId = request.getConnectionMetaData().getConnector().getName();
        metrics.requestArrived(listenerId);
        JettyRoutingRequest routing = new JettyRoutingRequest(request);
        CompiledRoute route = snapshot.route(routing, listenerId);
        String routeId = route == null ? ProxyMetrics.NO_ROUTE : route.id();
        RequestFacts facts = new RequestFacts(traceId, routeId);
        if (accessLogged) {
            // The first attribute creates the request's attribute map: only when someone will read it.
            request.setAttribute(RequestFacts.ATTRIBUTE, facts);
        }
        RouteMetrics routeMetrics = metrics.route(routeId);
        routeMetrics.started();
        Callback completion = recordOnCompletion(callback, request, response, routeMetrics, startNanos);
        if (draining.get()) {
            closeConnectionAfter(request, response);
        }
        // From here on the completion must run whatever happens: it balances sentinel_active_requests.
        try {
            dispatch(request, response, completion, snapshot, route, routing, facts);
        } catch (Throwable failure) {
            completion.failed(failure);
        }
        return true;
    }

    private void dispatch(Request request, Response response, Callback completion, RuntimeSnapshot snapshot,
                          CompiledRoute route, JettyRoutingRequest routing, RequestFacts facts) {
        String traceId = facts.traceId();
        LimitsConfig limits = snapshot.config().limits();
        Refusal refusal = RequestFraming.check(request);
        if (refusal == null) {
            refusal = RequestLimits.headerCount(request, limits.maxHeaderCount());
        }
        if (refusal != null) {
            refuse(refusal, response, completion, traceId);
            return;
        }
        if (route == null) {
            ErrorResponses.write(response, completion, 404, traceId, false);
            return;
        }
        RouteConfig config = route.config();
        long maxBody = config.policies().maxBodySizeBytes() == PoliciesConfig.INHERIT ? limits.maxBodySizeBytes()
                : config.policies().maxBodySizeBytes();
        refusal = RequestLimits.declaredBody(request, maxBody);
        if (refusal != null) {
            refuse(refusal, response, completion, traceId);
            return;
        }
        ClientOrigin origin = new ClientOrigin(authority(request), forwardedFor(request));
        Request limited = RequestLimits.limitBody(request, maxBody, limits.minRequestBodyRateBytesPerSec(),
                bodyTooSlow);

        FilterChain filters = snapshot.filters(route.id());
        if (filters.isEmpty()) {
            serve(snapshot, config, limited, response, completion, facts, ResponsePhase.NONE, origin);
            return;
        }
        FilterChain.Run run = filters.onRequest(limited, response, route.id(), config.upstream(),
                route.matchedPathPrefix(routing.path()), traceId);
        if (!(run.decision() instanceof Decision.Allow)) {
            Replies.write(run.decision(), run.beforeCommit(response), completion, traceId);
            return;
        }
        serve(snapshot, config, run.request(), response, completion, facts, run, origin);
    }

    /** Hands the request to its builtin handler, or to the forwarding engine. */
    private void serve(RuntimeSnapshot snapshot, RouteConfig config, Request request, Response response,
                       Callback completion, RequestFacts facts, ResponsePhase responsePhase, ClientOrigin origin) {
        if (config.serviceType() == RouteConfig.ServiceType.BUILTIN) {
            builtins.handle(config.builtin(), snapshot, responsePhase.beforeCommit(response), completion,
                    facts.traceId());
            return;
        }
        forwardingEngine.forward(request, response, completion, new ForwardRequest(config.id(),
                snapshot.pool(config.upstream()), config.policies(), snapshot.routeGuard(config.id()),
                facts.traceId(), facts, snapshot.config().system().securityHeaders(), responsePhase,
                origin.authority(), origin.forwardedFor()));
    }

    /**
     * While draining, a connection ends after its current request(s), so that keep-alive clients reconnect
     * and their load balancer sends them elsewhere: HTTP/1 responses say {@code Connection: close}; an HTTP/2
     * connection gets a graceful GOAWAY (its streams in flight finish; repeated calls send nothing more).
     */
    private static void closeConnectionAfter(Request request, Response response) {
        if (request.getConnectionMetaData().getConnection() instanceof HTTP2Connection http2) {
            http2.getSession().shutdown();
        } else if (request.getConnectionMetaData().getHttpVersion().getVersion() < 20) {
            response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        }
    }

    /**
     * What the forwarding headers say about the client, taken before any filter runs, so that no filter or
     * agent can forge them.
     */
    private record ClientOrigin(String authority, String forwardedFor) {
    }

    /** The client's {@code X-Forwarded-For} values joined, or {@code null}. */
    private static String forwardedFor(Request request) {
        if (!request.getHeaders().contains(HttpHeader.X_FORWARDED_FOR)) {
            return null;
        }
        return String.join(", ", request.getHeaders().getValuesList(HttpHeader.X_FORWARDED_FOR));
    }

    /** The authority the client asked for, as it asked: {@code X-Forwarded-Host} keeps it whatever filters do. */
    private static String authority(Request request) {
        String host = request.getHeaders().get(HttpHeader.HOST);
        return host != null ? host : Request.getServerName(request) + ":" + Request.getServerPort(request);
    }

    private void refuse(Refusal refusal, Response response, Callback completion, String traceId) {
        metrics.requestRefused(refusal.reason());
        if (refusal.allow() != null) {
            response.getHeaders().put(HttpHeader.ALLOW, refusal.allow());
        }
        ErrorResponses.write(response, completion, refusal.status(), traceId, true);
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
