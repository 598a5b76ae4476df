package dev.sentinel.server.forward;

import dev.sentinel.server.agent.ResponseReplacement;
import dev.sentinel.server.health.CircuitBreaker;
import dev.sentinel.server.health.RouteGuard;
import dev.sentinel.server.log.RequestFacts;
import dev.sentinel.server.observability.ProxyMetrics;
import dev.sentinel.server.observability.UpstreamMetrics;
import dev.sentinel.server.upstream.UpstreamPool;
import dev.sentinel.spi.Outcome;
import dev.sentinel.spi.Target;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.AsyncRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.HttpResponseException;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.ee10.proxy.AsyncMiddleManServlet;
import org.eclipse.jetty.ee10.servlet.HttpOutput;
import org.eclipse.jetty.ee10.servlet.ServletContextResponse;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;

/**
 * Forwards a routed request to one target of its upstream pool, streaming bodies both ways.
 *
 * <p>Legs are named as in Jetty's proxies: client-to-proxy request ({@code clientRequest}), proxy-to-server
 * request ({@code proxyRequest}), server-to-proxy response ({@code serverResponse}), proxy-to-client
 * response ({@code proxyResponse}). The {@link ForwardRequest} attribute set by the request path says
 * where to go; this class only moves bytes and maps failures: refused or reset upstream → 502,
 * connect/idle/total timeout → 504, request body over its limit → 413, no target left or the route's
 * breaker open → 503 at once. A failed attempt may be retried on another target ({@link Attempts}): after a
 * connect failure or reset before any response, or on a retryable status, which is then never relayed.
 */
public class ForwardingServlet extends AsyncMiddleManServlet {
    private static final String TARGET_ATTRIBUTE = ForwardingServlet.class.getName() + ".target";
    private static final String LEASE_ATTRIBUTE = ForwardingServlet.class.getName() + ".lease";
    private static final String NEXT_LEASE_ATTRIBUTE = ForwardingServlet.class.getName() + ".nextLease";
    private static final String CLIENT_FAILED_ATTRIBUTE = ForwardingServlet.class.getName() + ".clientFailed";
    private static final String CONTENT_ATTRIBUTE = ForwardingServlet.class.getName() + ".content";

    private final ProxyMetrics metrics;

    public ForwardingServlet(ProxyMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * AMMS reads buffer sizes from its own client; requests go through each pool's client instead,
     * so this one is never started.
     */
    @Override
    protected HttpClient createHttpClient() {
        return new HttpClient();
    }

    /** Admits the request through the route's breaker and leases a target; {@code null} means 503. */
    @Override
    protected String rewriteTarget(HttpServletRequest clientRequest) {
        ForwardRequest forward = forwardRequest(clientRequest);
        RouteGuard guard = (RouteGuard) clientRequest.getAttribute(RouteGuard.ATTRIBUTE);
        long now = System.nanoTime();
        long routeTicket = guard == null ? 0 : guard.admit(now);
        if (routeTicket == CircuitBreaker.DENIED) {
            return null;
        }
        Attempts attempts = new Attempts(guard, routeTicket,
                Attempts.retryable(clientRequest.getMethod(), hasContent(clientRequest)), forward.policies().timeout(),
                forward.pool().config().timeouts().request(), now);
        clientRequest.setAttribute(Attempts.ATTRIBUTE, attempts);
        UpstreamPool.Lease lease;
        try {
            lease = forward.pool().acquire(exchange(clientRequest, forward));
        } catch (RuntimeException e) {
            // A balancer bug: the request fails with a 500, and the route's ticket goes back unjudged.
            attempts.finish(500, false);
            throw e;
        }
        if (lease == null) {
            attempts.finish(503, true);
            return null;
        }
        return bind(clientRequest, forward, lease);
    }

    /** No target takes traffic, or the route's breaker is open: fail fast. */
    @Override
    protected void onProxyRewriteFailed(HttpServletRequest clientRequest, HttpServletResponse proxyResponse) {
        sendProxyResponseError(clientRequest, proxyResponse, 503);
    }

    private String bind(HttpServletRequest clientRequest, ForwardRequest forward, UpstreamPool.Lease lease) {
        clientRequest.setAttribute(LEASE_ATTRIBUTE, lease);
        Target target = lease.target();
        clientRequest.setAttribute(TARGET_ATTRIBUTE, target);
        attempts(clientRequest).tried(target);
        RequestFacts facts = (RequestFacts) clientRequest.getAttribute(RequestFacts.ATTRIBUTE);
        if (facts != null) {
            facts.upstream(forward.pool().id(), target.address());
        }
        return forward.pool().origin(target) + pathAndQuery(clientRequest);
    }

    /**
     * Built from the target and the client's raw path and query, never by re-parsing the rewritten URI:
     * Jetty's server accepts request-targets that {@code java.net.URI} refuses.
     */
    @Override
    protected Request newProxyRequest(HttpServletRequest clientRequest, String rewrittenTarget) {
        UpstreamPool pool = forwardRequest(clientRequest).pool();
        Target target = (Target) clientRequest.getAttribute(TARGET_ATTRIBUTE);
        return pool.client().newRequest(target.host(), target.port())
                .scheme(pool.scheme())
                .path(pathAndQuery(clientRequest))
                .method(clientRequest.getMethod())
                .version(HttpVersion.HTTP_1_1)
                .idleTimeout(pool.config().timeouts().idle().toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Like nginx, Sentinel answers {@code Expect: 100-continue} itself (Jetty sends the 100 when the body
     * is first read) and does not forward the expectation: the request reaches the upstream whole.
     */
    @Override
    protected boolean expects100Continue(HttpServletRequest clientRequest) {
        return false;
    }

    /**
     * AMMS would send every body chunked; with identity transforms the client's Content-Length still
     * holds, so it is kept: many backends refuse or mishandle chunked requests, and nginx keeps it too.
     * The content also times how long the body waits on the upstream.
     */
    @Override
    protected AsyncRequestContent newProxyRequestContent(HttpServletRequest clientRequest,
                                                         HttpServletResponse proxyResponse, Request proxyRequest) {
        TimedRequestContent content = new TimedRequestContent(clientRequest.getContentLengthLong());
        clientRequest.setAttribute(CONTENT_ATTRIBUTE, content);
        return content;
    }

    @Override
    protected void copyRequestHeaders(HttpServletRequest clientRequest, Request proxyRequest) {
        super.copyRequestHeaders(clientRequest, proxyRequest);
        ForwardRequest forward = forwardRequest(clientRequest);
        proxyRequest.headers(headers -> {
            ForwardingHeaders.dropOwned(headers);
            headers.remove(HttpHeader.EXPECT);
            if (!headers.contains(HttpHeader.HOST)) {
                headers.put(HttpHeader.HOST, authority(clientRequest));
            }
            ForwardingHeaders.apply(forward.policies().requestHeaders(), headers);
        });
    }

    @Override
    protected void addProxyHeaders(HttpServletRequest clientRequest, Request proxyRequest) {
        ForwardRequest forward = forwardRequest(clientRequest);
        proxyRequest.headers(headers -> ForwardingHeaders.addForwarding(headers, forward.clientForwardedFor(),
                clientRequest.getRemoteAddr(), clientRequest.getScheme(), forward.clientAuthority(), forward.traceId()));
    }

    @Override
    protected void sendProxyRequest(HttpServletRequest clientRequest, HttpServletResponse proxyResponse,
                                    Request proxyRequest) {
        Duration attempt = attempts(clientRequest).attemptTimeout(System.nanoTime());
        if (attempt != null) {
            proxyRequest.timeout(attempt.toMillis(), TimeUnit.MILLISECONDS);
        }
        metrics.upstream(forwardRequest(clientRequest).pool().id()).attempted();
        super.sendProxyRequest(clientRequest, proxyResponse, proxyRequest);
    }

    /**
     * Copies the upstream's response head ({@link ForwardingHeaders#copyResponse}) unless its framing is in
     * doubt, which aborts it instead and answers the client 502, or its status is retried on another target.
     */
    @Override
    protected void onServerResponseHeaders(HttpServletRequest clientRequest, HttpServletResponse proxyResponse,
                                           Response serverResponse) {
        HttpFields serverHeaders = serverResponse.getHeaders();
        if (ForwardingHeaders.framingInDoubt(serverHeaders)) {
            serverResponse.abort(new HttpResponseException("upstream response framing in doubt", serverResponse));
            return;
        }
        int status = serverResponse.getStatus();
        Attempts attempts = attempts(clientRequest);
        if (attempts.retryableStatus(status)) {
            ForwardRequest forward = forwardRequest(clientRequest);
            UpstreamPool.Lease next = attempts.next(forward.pool(), exchange(clientRequest, forward), System.nanoTime());
            if (next != null) {
                // Nothing of this response was copied yet: drop it and try the next target instead.
                clientRequest.setAttribute(NEXT_LEASE_ATTRIBUTE, next);
                serverResponse.abort(new RetryableStatus(status));
                return;
            }
        }
        ForwardingHeaders.copyResponse(serverHeaders, proxyResponse, HOP_HEADERS);
        ResponseStamp.adoptUpstreamPolicies(serverHeaders, proxyResponse);
        ForwardRequest forward = forwardRequest(clientRequest);
        ForwardingHeaders.apply(forward.policies().responseHeaders(), proxyResponse);
        forward.responsePhase().apply(ServletContextResponse.getServletContextResponse(proxyResponse));
        if (ResponseReplacement.of(clientRequest) != null) {
            // An agent answered the response head: none of the upstream's response may reach the client.
            serverResponse.abort(ResponseReplacement.abortCause());
        }
    }

    /**
     * AMMS drops the upstream's {@code Content-Length} when content arrives, in case a transformer changes
     * the body; Sentinel's bodies pass unchanged, so the length stays: responses are not re-chunked, and
     * HTTP/1.0 clients keep their connection.
     */
    @Override
    protected Response.CompleteListener newProxyResponseListener(HttpServletRequest clientRequest,
                                                                 HttpServletResponse proxyResponse) {
        return super.newProxyResponseListener(clientRequest, new HttpServletResponseWrapper(proxyResponse) {
            @Override
            public void setContentLength(int length) {
                if (length >= 0) {
                    super.setContentLength(length);
                }
            }
        });
    }

    /**
     * Each chunk goes to the client as it came from the upstream. AMMS writes through the stream's
     * {@code write(byte[])}, which Jetty aggregates until its buffer fills: a small server-sent event
     * would wait there, with the client waiting for it, until the upstream sent enough more or ended.
     */
    @Override
    protected void writeProxyResponseContent(ServletOutputStream output, ByteBuffer content) throws IOException {
        if (output instanceof HttpOutput httpOutput) {
            httpOutput.write(content);
        } else {
            super.writeProxyResponseContent(output, content);
        }
    }

    @Override
    protected int proxyResponseStatus(Throwable failure) {
        return FailureStatus.serverLeg(failure);
    }

    @Override
    protected int clientRequestStatus(Throwable failure) {
        return FailureStatus.clientLeg(failure);
    }

    /**
     * A request body being streamed to a target that refused the connection fails the client leg too, with
     * the connect failure; that is the upstream's fault, and the server leg answers it (502), not this one
     * (which would say 400).
     */
    @Override
    protected void onClientRequestFailure(HttpServletRequest clientRequest, Request proxyRequest,
                                          HttpServletResponse proxyResponse, Throwable failure) {
        if (FailureStatus.isConnectFailure(failure)) {
            proxyRequest.abort(failure);
            return;
        }
        clientRequest.setAttribute(CLIENT_FAILED_ATTRIBUTE, Boolean.TRUE);
        super.onClientRequestFailure(clientRequest, proxyRequest, proxyResponse, failure);
    }

    @Override
    protected void onProxyResponseSuccess(HttpServletRequest clientRequest, HttpServletResponse proxyResponse,
                                          Response serverResponse) {
        endLease(clientRequest, serverResponse.getStatus(), null);
        attempts(clientRequest).finish(serverResponse.getStatus(), true);
        super.onProxyResponseSuccess(clientRequest, proxyResponse, serverResponse);
    }

    @Override
    protected void onProxyResponseFailure(HttpServletRequest clientRequest, HttpServletResponse proxyResponse,
                                          Response serverResponse, Throwable failure) {
        UpstreamPool.Lease next = null;
        if (failure instanceof RetryableStatus retryable) {
            endLease(clientRequest, retryable.status, null);
            next = (UpstreamPool.Lease) clientRequest.getAttribute(NEXT_LEASE_ATTRIBUTE);
            clientRequest.removeAttribute(NEXT_LEASE_ATTRIBUTE);
        } else if (clientFailed(clientRequest)) {
            // The client went away or stalled: that says nothing about the upstream, and nobody awaits a retry.
            endLease(clientRequest, 0, null);
            attempts(clientRequest).finish(0, false);
        } else if (failure instanceof ResponseReplacement.Replaced) {
            // An agent replaced a response the upstream gave in full health.
            endLease(clientRequest, serverResponse.getStatus(), null);
            attempts(clientRequest).finish(serverResponse.getStatus(), true);
        } else {
            endLease(clientRequest, serverResponse == null ? 0 : serverResponse.getStatus(), failure);
            // No response began (refused, reset, timed out first): the client has seen nothing either.
            if (serverResponse == null && !proxyResponse.isCommitted()) {
                ForwardRequest forward = forwardRequest(clientRequest);
                next = attempts(clientRequest).next(forward.pool(), exchange(clientRequest, forward), System.nanoTime());
            }
        }
        if (next != null) {
            retryLater(clientRequest, proxyResponse, next);
            return;
        }
        super.onProxyResponseFailure(clientRequest, proxyResponse, serverResponse, failure);
    }

    /** Sends the request again, to the target of {@code next}, after the policy's back-off. */
    private void retryLater(HttpServletRequest clientRequest, HttpServletResponse proxyResponse,
                            UpstreamPool.Lease next) {
        ForwardRequest forward = forwardRequest(clientRequest);
        long backoff = attempts(clientRequest).backoffNanos();
        forward.pool().client().getScheduler().schedule(() -> {
            try {
                String target = bind(clientRequest, forward, next);
                Request proxyRequest = newProxyRequest(clientRequest, target);
                copyRequestHeaders(clientRequest, proxyRequest);
                addProxyHeaders(clientRequest, proxyRequest);
                sendProxyRequest(clientRequest, proxyResponse, proxyRequest);
            } catch (Throwable failure) {
                endLease(clientRequest, 0, failure);
                sendProxyResponseError(clientRequest, proxyResponse, FailureStatus.serverLeg(failure));
            }
        }, backoff, TimeUnit.NANOSECONDS);
    }

    @Override
    protected void sendProxyResponseError(HttpServletRequest clientRequest, HttpServletResponse proxyResponse,
                                          int status) {
        // Reached without onProxyResponseFailure when the client's side failed before the request went out.
        endLease(clientRequest, 0, null);
        Attempts attempts = attempts(clientRequest);
        if (attempts != null) {
            attempts.finish(status, status >= 500);
        }
        try {
            ErrorReply.write(clientRequest, proxyResponse, status, forwardRequest(clientRequest));
        } catch (Exception e) {
            _log.debug("error response failed for {}", clientRequest.getRequestURI(), e);
        } finally {
            if (clientRequest.isAsyncStarted()) {
                clientRequest.getAsyncContext().complete();
            }
        }
    }

    private static String pathAndQuery(HttpServletRequest clientRequest) {
        String query = clientRequest.getQueryString();
        return query == null ? clientRequest.getRequestURI() : clientRequest.getRequestURI() + "?" + query;
    }

    private static String authority(HttpServletRequest clientRequest) {
        String host = clientRequest.getHeader(HttpHeader.HOST.asString());
        return host != null ? host : clientRequest.getServerName() + ":" + clientRequest.getServerPort();
    }

    private static ServletExchange exchange(HttpServletRequest clientRequest, ForwardRequest forward) {
        return new ServletExchange(clientRequest, forward.routeId(), forward.pool().id());
    }

    private static Attempts attempts(HttpServletRequest clientRequest) {
        return (Attempts) clientRequest.getAttribute(Attempts.ATTRIBUTE);
    }

    /** Whether the client's side failed the exchange: its upload broke or stalled. */
    private static boolean clientFailed(HttpServletRequest clientRequest) {
        return clientRequest.getAttribute(CLIENT_FAILED_ATTRIBUTE) != null;
    }

    private static ForwardRequest forwardRequest(HttpServletRequest clientRequest) {
        return (ForwardRequest) clientRequest.getAttribute(ForwardRequest.ATTRIBUTE);
    }

    /**
     * Tells the pool's balancer how the exchange went, and records it in the upstream's metrics and the
     * access log's facts; only the first call per request counts.
     */
    private void endLease(HttpServletRequest clientRequest, int status, Throwable failure) {
        UpstreamPool.Lease lease = (UpstreamPool.Lease) clientRequest.getAttribute(LEASE_ATTRIBUTE);
        Outcome outcome = lease == null ? null : lease.end(status, failure);
        if (outcome == null) {
            return;
        }
        UpstreamMetrics upstream = metrics.upstream(forwardRequest(clientRequest).pool().id());
        upstream.ended(outcome);
        TimedRequestContent content = (TimedRequestContent) clientRequest.getAttribute(CONTENT_ATTRIBUTE);
        long pendingNanos = content == null ? -1 : content.pendingNanos();
        if (pendingNanos >= 0) {
            upstream.bodyWritePending(pendingNanos);
            if (clientRequest.getAttribute(RequestFacts.ATTRIBUTE) instanceof RequestFacts facts) {
                facts.upstreamWritePending(pendingNanos);
            }
        }
    }

    /** Aborts an upstream response whose status will be retried rather than relayed. */
    private static final class RetryableStatus extends RuntimeException {
        private final int status;

        RetryableStatus(int status) {
            super("retryable upstream status " + status, null, false, false);
            this.status = status;
        }
    }
}
