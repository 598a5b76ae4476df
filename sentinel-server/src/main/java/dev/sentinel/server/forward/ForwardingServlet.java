package dev.sentinel.server.forward;

import dev.sentinel.server.error.ErrorBody;
import dev.sentinel.server.limits.TransferCoding;
import dev.sentinel.server.log.RequestFacts;
import dev.sentinel.server.observability.ProxyMetrics;
import dev.sentinel.server.observability.UpstreamMetrics;
import dev.sentinel.server.upstream.UpstreamPool;
import dev.sentinel.spi.Outcome;
import dev.sentinel.spi.Target;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.AsyncRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.HttpResponseException;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.ee10.proxy.AsyncMiddleManServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextResponse;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpVersion;

/**
 * Forwards a routed request to one target of its upstream pool, streaming bodies both ways.
 *
 * <p>Legs are named as in Jetty's proxies: client-to-proxy request ({@code clientRequest}), proxy-to-server
 * request ({@code proxyRequest}), server-to-proxy response ({@code serverResponse}), proxy-to-client
 * response ({@code proxyResponse}). The {@link ForwardRequest} attribute set by the request path says
 * where to go; this class only moves bytes and maps failures: refused or reset upstream → 502,
 * connect/idle/total timeout → 504, request body over its limit → 413.
 */
public class ForwardingServlet extends AsyncMiddleManServlet {
    private static final String TARGET_ATTRIBUTE = ForwardingServlet.class.getName() + ".target";
    private static final String LEASE_ATTRIBUTE = ForwardingServlet.class.getName() + ".lease";
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

    @Override
    protected String rewriteTarget(HttpServletRequest clientRequest) {
        ForwardRequest forward = forwardRequest(clientRequest);
        UpstreamPool.Lease lease = forward.pool().acquire(
                new ServletExchange(clientRequest, forward.routeId(), forward.pool().id()));
        clientRequest.setAttribute(LEASE_ATTRIBUTE, lease);
        Target target = lease.target();
        clientRequest.setAttribute(TARGET_ATTRIBUTE, target);
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
        String traceId = forwardRequest(clientRequest).traceId();
        proxyRequest.headers(headers -> ForwardingHeaders.addForwarding(headers, clientRequest.getRemoteAddr(),
                clientRequest.getScheme(), authority(clientRequest), traceId));
    }

    @Override
    protected void sendProxyRequest(HttpServletRequest clientRequest, HttpServletResponse proxyResponse,
                                    Request proxyRequest) {
        Duration total = totalTimeout(forwardRequest(clientRequest));
        if (total != null) {
            proxyRequest.timeout(total.toMillis(), TimeUnit.MILLISECONDS);
        }
        metrics.upstream(forwardRequest(clientRequest).pool().id()).attempted();
        super.sendProxyRequest(clientRequest, proxyResponse, proxyRequest);
    }

    /**
     * Copies the upstream's response headers, minus hop-by-hop headers, those its {@code Connection}
     * header names, and those Sentinel stamped already. {@code Set-Cookie} goes in verbatim: the servlet
     * API would parse and re-serialise it, changing quoted values. A response whose framing is in doubt is
     * aborted instead, which answers the client 502.
     */
    @Override
    protected void onServerResponseHeaders(HttpServletRequest clientRequest, HttpServletResponse proxyResponse,
                                           Response serverResponse) {
        HttpFields serverHeaders = serverResponse.getHeaders();
        if (framingInDoubt(serverHeaders)) {
            serverResponse.abort(new HttpResponseException("upstream response framing in doubt", serverResponse));
            return;
        }
        Set<String> nominated = ForwardingHeaders.connectionNominated(serverHeaders);
        HttpFields.Mutable proxyHeaders = ServletContextResponse.getServletContextResponse(proxyResponse).getHeaders();
        for (HttpField field : serverHeaders) {
            String name = field.getLowerCaseName();
            if (HOP_HEADERS.contains(name) || nominated.contains(name) || ResponseStamp.isStamped(name)) {
                continue;
            }
            if (field.getHeader() == HttpHeader.SET_COOKIE) {
                proxyHeaders.add(field);
            } else {
                proxyResponse.addHeader(field.getName(), field.getValue());
            }
        }
        ResponseStamp.adoptUpstreamPolicies(serverHeaders, proxyResponse);
        ForwardingHeaders.apply(forwardRequest(clientRequest).policies().responseHeaders(), proxyResponse);
    }

    @Override
    protected int proxyResponseStatus(Throwable failure) {
        return FailureStatus.serverLeg(failure);
    }

    @Override
    protected int clientRequestStatus(Throwable failure) {
        return FailureStatus.clientLeg(failure);
    }

    @Override
    protected void onProxyResponseSuccess(HttpServletRequest clientRequest, HttpServletResponse proxyResponse,
                                          Response serverResponse) {
        endLease(clientRequest, serverResponse.getStatus(), null);
        super.onProxyResponseSuccess(clientRequest, proxyResponse, serverResponse);
    }

    @Override
    protected void onProxyResponseFailure(HttpServletRequest clientRequest, HttpServletResponse proxyResponse,
                                          Response serverResponse, Throwable failure) {
        endLease(clientRequest, serverResponse == null ? 0 : serverResponse.getStatus(), failure);
        super.onProxyResponseFailure(clientRequest, proxyResponse, serverResponse, failure);
    }

    @Override
    protected void sendProxyResponseError(HttpServletRequest clientRequest, HttpServletResponse proxyResponse,
                                          int status) {
        // Reached without onProxyResponseFailure when the client's side failed before the request went out.
        endLease(clientRequest, 0, null);
        try {
            if (proxyResponse.isCommitted()) {
                // Bytes already reached the client: cut the connection so a truncated body never looks whole.
                proxyResponse.sendError(-1);
                return;
            }
            // An upstream response that failed after its head arrived (a bad chunk, say) already had its
            // headers copied: none of it may ride on the error, so start again from Sentinel's own stamp.
            ForwardRequest forward = forwardRequest(clientRequest);
            proxyResponse.reset();
            ResponseStamp.stamp(ServletContextResponse.getServletContextResponse(proxyResponse).getHeaders(),
                    forward.traceId(), forward.securityHeaders());
            proxyResponse.setStatus(status);
            proxyResponse.setContentType(ErrorBody.CONTENT_TYPE);
            proxyResponse.setHeader(HttpHeader.CONNECTION.asString(), HttpHeaderValue.CLOSE.asString());
            byte[] body = ErrorBody.json(status, forward.traceId());
            proxyResponse.setContentLength(body.length);
            proxyResponse.getOutputStream().write(body);
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

    /**
     * The upstream client's parser refuses garbage status lines, obs-fold and conflicting lengths itself; this
     * catches a {@code Transfer-Encoding} it reads leniently ({@code ,chunked}, a coding before
     * {@code chunked}), and refuses {@code Transfer-Encoding} with {@code Content-Length} whatever that
     * client's compliance mode: relaying such a body means guessing where it ends.
     */
    private static boolean framingInDoubt(HttpFields serverHeaders) {
        List<String> transferEncoding = serverHeaders.getValuesList(HttpHeader.TRANSFER_ENCODING);
        return !transferEncoding.isEmpty() && (serverHeaders.contains(HttpHeader.CONTENT_LENGTH)
                || TransferCoding.of(transferEncoding) != TransferCoding.CHUNKED);
    }

    private static Duration totalTimeout(ForwardRequest forward) {
        Duration route = forward.policies().timeout();
        Duration upstream = forward.pool().config().timeouts().request();
        if (route == null) {
            return upstream;
        }
        return upstream == null || route.compareTo(upstream) <= 0 ? route : upstream;
    }

    private static String authority(HttpServletRequest clientRequest) {
        String host = clientRequest.getHeader(HttpHeader.HOST.asString());
        return host != null ? host : clientRequest.getServerName() + ":" + clientRequest.getServerPort();
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
}
