package dev.sentinel.server.forward;

import dev.sentinel.server.filter.FilterExchange;
import dev.sentinel.server.filter.Replies;
import dev.sentinel.server.filter.ResponsePhase;
import dev.sentinel.server.health.CircuitBreaker;
import dev.sentinel.server.health.RouteGuard;
import dev.sentinel.server.limits.ClientFailures;
import dev.sentinel.server.observability.UpstreamMetrics;
import dev.sentinel.server.upstream.UpstreamListener;
import dev.sentinel.server.upstream.UpstreamPool;
import dev.sentinel.spi.Outcome;
import dev.sentinel.spi.Target;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * One client request's way to its upstream: admission through the route's breaker, a leased target, the
 * attempt (and any retries), the response relayed chunk by chunk, and how it ended, told to the balancer,
 * the target's health, the route's breaker and the metrics.
 *
 * <p>Legs are named as in Jetty's proxies: the client's {@code request}, the proxy-to-server request, the
 * {@code serverResponse}, and the client's {@code response}. Failures map to: refused or reset upstream →
 * 502, connect/idle/total timeout → 504, request body over its limit → 413 (and other client-side body
 * failures to 408 or 400), no target left or the route's breaker open → 503 at once. A failed attempt may be
 * retried on another target ({@link Attempts}): after a connect failure or reset before any response, or on
 * a retryable status, which is then never relayed.
 */
final class ProxyExchange {
    private final Request request;
    private final Response response;
    private final Callback callback;
    private final ForwardRequest forward;
    private final UpstreamPool pool;
    private final UpstreamMetrics upstreamMetrics;
    /** The client's body, or {@code null} when the request has none. */
    private final ClientBody body;
    private Attempts attempts;
    private FilterExchange exchange;
    private volatile UpstreamPool.Lease lease;
    /** The lease of the attempt that follows a retryable status, from the head's arrival to the abort. */
    private volatile UpstreamPool.Lease retryLease;
    /** Why writing the response to the client failed: the client went away or stalled. */
    private volatile Throwable clientWriteFailure;

    ProxyExchange(Request request, Response response, Callback callback, ForwardRequest forward,
                  UpstreamMetrics upstreamMetrics) {
        this.request = request;
        this.response = response;
        this.forward = forward;
        this.pool = forward.pool();
        this.upstreamMetrics = upstreamMetrics;
        this.body = ClientBody.of(request);
        this.callback = body == null ? callback : body.releasingUnsent(callback);
    }

    /**
     * Admits the request through the route's breaker, leases a target and sends the first attempt. A failure
     * on the way (a balancer's bug) fails the response, which Jetty answers with a 500.
     */
    void start() {
        try {
            admitAndSend();
        } catch (RuntimeException e) {
            callback.failed(e);
        }
    }

    private void admitAndSend() {
        long now = System.nanoTime();
        RouteGuard guard = forward.routeGuard();
        long routeTicket = guard == null ? 0 : guard.admit(now);
        if (routeTicket == CircuitBreaker.DENIED) {
            reply(503, null);
            return;
        }
        attempts = new Attempts(guard, routeTicket, Attempts.retryable(request.getMethod(), body != null),
                forward.policies().timeout(), pool.config().timeouts().request(), now);
        UpstreamPool.Lease first;
        try {
            first = pool.acquire(exchange());
        } catch (RuntimeException e) {
            // A balancer bug: the request fails with a 500, and the route's ticket goes back unjudged.
            attempts.finish(500, false);
            throw e;
        }
        if (first == null) {
            reply(503, null);
            return;
        }
        send(first);
    }

    private void send(UpstreamPool.Lease next) {
        lease = next;
        Target target = next.target();
        attempts.tried(target);
        forward.facts().upstream(pool.id(), target.address());
        HttpFields.Mutable proxyHeaders = HttpFields.build(request.getHeaders().size() + 8);
        proxyRequestHeaders(proxyHeaders);
        upstreamMetrics.attempted();
        pool.client().send(target, request.getMethod(), request.getHttpURI().getPathQuery(), proxyHeaders, body,
                attempts.attemptTimeout(System.nanoTime()), new Attempt());
    }

    private void proxyRequestHeaders(HttpFields.Mutable headers) {
        ForwardingHeaders.copyRequest(request.getHeaders(), headers);
        if (!headers.contains(HttpHeader.HOST)) {
            headers.put(HttpHeader.HOST, forward.clientAuthority());
        }
        ForwardingHeaders.apply(forward.policies().requestHeaders(), headers);
        ForwardingHeaders.addForwarding(headers, forward.clientForwardedFor(), Request.getRemoteAddr(request),
                request.getHttpURI().getScheme(), forward.clientAuthority(), forward.traceId());
    }

    /**
     * Copies the upstream's response head unless its framing is in doubt (abandoned: 502) or its status is
     * retried on another target; then the route's edits and the filters' response phase apply.
     *
     * @return why the upstream's response is abandoned, or {@code null} when it is relayed
     */
    private Throwable relayHead(int status, HttpFields serverHeaders) {
        if (ForwardingHeaders.framingInDoubt(serverHeaders)) {
            return new IOException("upstream response framing in doubt");
        }
        if (attempts.retryableStatus(status)) {
            UpstreamPool.Lease next = attempts.next(pool, exchange(), System.nanoTime());
            if (next != null) {
                // Nothing of this response was copied yet: drop it and try the next target instead.
                retryLease = next;
                return new RetryableStatus(status);
            }
        }
        lease.applyResponseHeaders();
        response.setStatus(status);
        ForwardingHeaders.copyResponse(serverHeaders, response.getHeaders(), exchange().setResponseHeaders());
        ForwardingHeaders.apply(forward.policies().responseHeaders(), response.getHeaders());
        forward.responsePhase().apply(response);
        // Only a response phase can replace the response: a route without one skips the attribute lookup.
        if (forward.responsePhase() != ResponsePhase.NONE && Replies.replacement(request) != null) {
            // An agent answered the response head: none of the upstream's response may reach the client.
            return new Replaced();
        }
        return null;
    }

    /** The upstream's response ended whole: tell its balancer, health and breaker. */
    private void relayed(int status) {
        endLease(status, null);
        attempts.finish(status, true);
    }

    /** Ends the client's response, with the held last chunk of the body if there is one. */
    private void finishResponse(Content.Chunk last) {
        if (last == null) {
            boolean noContent = response.getStatus() == HttpStatus.NOT_MODIFIED_304
                    || HttpMethod.HEAD.is(request.getMethod());
            if (noContent && !response.isCommitted() && !response.getHeaders().contains(HttpHeader.CONTENT_LENGTH)) {
                // A last write to an uncommitted response gets Content-Length: 0. The answer to a HEAD, and a 304,
                // carry no content by definition: there a length may only be that of the 200 they stand for
                // (RFC 9110 8.6), so none is made up. Send the head first, then end.
                response.write(false, BufferUtil.EMPTY_BUFFER, Callback.from(
                        () -> response.write(true, BufferUtil.EMPTY_BUFFER, callback), callback::failed));
                return;
            }
            response.write(true, BufferUtil.EMPTY_BUFFER, callback);
            return;
        }
        response.write(true, last.getByteBuffer(), Callback.from(() -> {
            last.release();
            callback.succeeded();
        }, failure -> {
            last.release();
            callback.failed(failure);
        }));
    }

    /**
     * An attempt failed: judge whose fault it was, then retry, or answer the client.
     *
     * @param status the upstream's status, or 0 when no response head arrived
     */
    private void attemptFailed(int status, Throwable failure) {
        Throwable clientFailure = clientWriteFailure != null ? clientWriteFailure
                : body == null ? null : body.failure();
        UpstreamPool.Lease next = null;
        UpstreamPool.Lease chosen = retryLease;
        retryLease = null;
        if (!(failure instanceof RetryableStatus) && chosen != null) {
            // A retry was chosen, but another failure (a deadline) ended the attempt first: never used.
            chosen.end(0, null);
        }
        if (failure instanceof RetryableStatus retryable) {
            endLease(retryable.status, null);
            next = chosen;
        } else if (clientFailure != null) {
            // The client went away or stalled: that says nothing about the upstream, and nobody awaits a retry.
            endLease(0, null);
            attempts.finish(0, false);
        } else if (pool.isRetired()) {
            // Sentinel stopped the pool's client (a reload retired it, or a stop): not the route's fault.
            endLease(status, failure);
            attempts.finish(0, false);
        } else if (failure instanceof Replaced) {
            // An agent replaced a response the upstream gave in full health.
            endLease(status, null);
            attempts.finish(status, true);
        } else {
            endLease(status, failure);
            // No response began (refused, reset, timed out first): the client has seen nothing either.
            if (status == 0 && !response.isCommitted()) {
                next = attempts.next(pool, exchange(), System.nanoTime());
            }
        }
        if (next != null) {
            retryLater(next);
            return;
        }
        reply(clientFailure != null ? ClientFailures.status(clientFailure) : FailureStatus.serverLeg(failure),
                failure);
    }

    /** Sends the request again, to the target of {@code next}, after the policy's back-off. */
    private void retryLater(UpstreamPool.Lease next) {
        pool.client().scheduler().schedule(() -> {
            try {
                send(next);
            } catch (Throwable failure) {
                endLease(0, failure);
                reply(FailureStatus.serverLeg(failure), failure);
            }
        }, attempts.backoffNanos(), TimeUnit.NANOSECONDS);
    }

    /** Answers the client with Sentinel's own reply, the request not relayed. */
    private void reply(int status, Throwable failure) {
        if (attempts != null) {
            attempts.finish(status, status >= 500);
        }
        UpstreamPool.Lease last = lease;
        if (last != null && !response.isCommitted()) {
            last.applyResponseHeaders();
        }
        ErrorReply.write(request, response, callback, status, forward, exchange(), failure);
    }

    /**
     * Tells the pool's balancer how the exchange with the current target went, and records it in the
     * upstream's metrics and the access log's facts; only the first call per lease counts.
     */
    private void endLease(int status, Throwable failure) {
        UpstreamPool.Lease ending = lease;
        Outcome outcome = ending == null ? null : ending.end(status, failure);
        if (outcome == null) {
            return;
        }
        upstreamMetrics.ended(outcome);
        long pendingNanos = body == null ? -1 : body.pendingNanos();
        if (pendingNanos >= 0) {
            upstreamMetrics.bodyWritePending(pendingNanos);
            forward.facts().upstreamWritePending(pendingNanos);
        }
    }

    private FilterExchange exchange() {
        if (exchange == null) {
            exchange = FilterExchange.of(request, response, forward.routeId(), pool.id());
        }
        return exchange;
    }

    /**
     * One attempt's response, relayed to the client; also the callback of its slice writes, of which one is
     * outstanding at a time (the next slice is parsed only once the last was written), so that relaying a
     * slice allocates nothing.
     */
    private final class Attempt implements UpstreamListener, Callback {
        private int status;
        private Callback done;

        @Override
        public Throwable onHead(int status, HttpFields serverHeaders) {
            this.status = status;
            return relayHead(status, serverHeaders);
        }

        @Override
        public void onContent(ByteBuffer content, Callback done) {
            this.done = done;
            response.write(false, content, this);
        }

        /** A slice reached the client: read on. */
        @Override
        public void succeeded() {
            Callback written = done;
            done = null;
            written.succeeded();
        }

        /** Writing to the client failed: it went away, so the upstream's response is abandoned. */
        @Override
        public void failed(Throwable failure) {
            Callback written = done;
            done = null;
            clientWriteFailure = failure;
            written.failed(failure);
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }

        @Override
        public void onComplete(Content.Chunk last) {
            relayed(status);
            finishResponse(last);
        }

        @Override
        public void onFailure(int status, Throwable failure) {
            attemptFailed(status, failure);
        }

        /** A route's response phase may call agents, which block. */
        @Override
        public boolean mayBlock() {
            return forward.responsePhase() != ResponsePhase.NONE;
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

    /** Aborts an upstream response an agent replaced: the agent's decision, not the upstream's fault. */
    private static final class Replaced extends Exception {
        Replaced() {
            super("an agent replaced the upstream response", null, false, false);
        }
    }
}
