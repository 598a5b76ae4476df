package dev.sentinel.server.filter;

import dev.sentinel.server.error.ErrorBody;
import dev.sentinel.server.limits.ClientFailures;
import dev.sentinel.server.observability.ProxyMetrics;
import dev.sentinel.spi.Decision;
import dev.sentinel.spi.Filter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The filters one route runs, in order. Immutable; built with each configuration, shared by every request
 * of the route.
 *
 * <pre>
 * FilterChain.Run run = chain.onRequest(request, response, route, upstream, prefix);
 * if (run.decision() != Decision.allow()) { … answer it with run.reply(…) … }
 * // forward run.request(); apply run to the upstream's response head
 * </pre>
 */
public final class FilterChain {
    private static final Logger LOG = LoggerFactory.getLogger(FilterChain.class);
    /**
     * One filter under the name the configuration gave it. A filter that keeps failing is logged once per
     * configuration, not once per request.
     */
    public static final class Named {
        private final String id;
        private final Filter filter;
        private final AtomicBoolean warned = new AtomicBoolean();

        public Named(String id, Filter filter) {
            this.id = id;
            this.filter = filter;
        }

        String id() {
            return id;
        }

        Filter filter() {
            return filter;
        }
    }

    public static final FilterChain EMPTY = new FilterChain(List.of(), null);

    private final List<Named> filters;
    private final ProxyMetrics metrics;

    public FilterChain(List<Named> filters, ProxyMetrics metrics) {
        this.filters = List.copyOf(filters);
        this.metrics = metrics;
    }

    public boolean isEmpty() {
        return filters.isEmpty();
    }

    /**
     * Runs the request phase until a filter decides something other than allow.
     *
     * @param matchedPathPrefix the route's longest {@code path-prefix} that matched, or {@code null}
     * @param traceId           the request's trace id, for the error bodies of replies made on the way back
     */
    public Run onRequest(Request request, Response response, String routeId, String upstreamId,
                         String matchedPathPrefix, String traceId) {
        FilterExchange exchange = new FilterExchange(request, response, routeId, upstreamId, matchedPathPrefix);
        for (int i = 0; i < filters.size(); i++) {
            Named named = filters.get(i);
            Decision decision = decide(named, exchange);
            if (!(decision instanceof Decision.Allow)) {
                metrics.filterDecided(named.id(), kind(decision));
                return new Run(this, exchange, i, decision, traceId);
            }
        }
        return new Run(this, exchange, filters.size(), Decision.allow(), traceId);
    }

    private static Decision decide(Named named, FilterExchange exchange) {
        try {
            Decision decision = named.filter().onRequest(exchange);
            if (decision == null) {
                warnOnce(named, "returned no decision", null);
                return Decision.deny(500, "internal error");
            }
            Replies.validate(decision);
            return decision;
        } catch (IOException e) {
            // The client's body could not be read: answered as when the forwarding engine reads it.
            int status = ClientFailures.status(e);
            return Decision.deny(status, ErrorBody.reason(status));
        } catch (Exception | LinkageError e) {
            warnOnce(named, "failed in its request phase", e);
            return Decision.deny(500, "internal error");
        }
    }

    private static String kind(Decision decision) {
        return switch (decision) {
            case Decision.Deny deny -> "deny";
            case Decision.Redirect redirect -> "redirect";
            case Decision.Respond respond -> "respond";
            case Decision.Allow allow -> "allow";
        };
    }

    private static void warnOnce(Named named, String what, Throwable e) {
        if (named.warned.compareAndSet(false, true)) {
            LOG.warn("filter '{}' {} (further failures of this filter are logged at debug)", named.id(), what, e);
        } else {
            LOG.debug("filter '{}' {}", named.id(), what, e);
        }
    }

    /** One request's pass through the chain: how far it got, and what was decided. */
    public static final class Run implements ResponsePhase {
        private final FilterChain chain;
        private final FilterExchange exchange;
        private final int ran;
        private final Decision decision;
        private final String traceId;
        private final AtomicBoolean applied = new AtomicBoolean();
        /** The header changes of the one pass, once it is over; {@code null} before. */
        private volatile ResponseEdits phaseEdits;

        private Run(FilterChain chain, FilterExchange exchange, int ran, Decision decision, String traceId) {
            this.chain = chain;
            this.exchange = exchange;
            this.ran = ran;
            this.decision = decision;
            this.traceId = traceId;
        }

        /** {@link Decision#allow()} when every filter allowed the request. */
        public Decision decision() {
            return decision;
        }

        /** The request as the filters left it, to go on with. */
        public Request request() {
            return exchange;
        }

        /**
         * Runs the response phase of each filter that allowed the request, last first; once per request. An
         * upstream response that fails after its head was seen is replaced by Sentinel's 502/504: a second
         * call makes the first pass's header changes again on it (CORS still applies), without calling the
         * filters again (agents are not called twice). A status a filter set is not carried over.
         */
        @Override
        public void apply(Response response) {
            if (ran == 0) {
                return;
            }
            if (!applied.compareAndSet(false, true)) {
                ResponseEdits done = phaseEdits;
                if (done != null) {
                    done.replay(response.getHeaders());
                }
                return;
            }
            ResponseEdits edits = new ResponseEdits();
            CoreFilterResponse view = new CoreFilterResponse(response, edits);
            for (int i = ran - 1; i >= 0; i--) {
                Named named = chain.filters.get(i);
                try {
                    named.filter().onResponse(exchange, view);
                } catch (RuntimeException | LinkageError e) {
                    warnOnce(named, "failed in its response phase", e);
                }
            }
            phaseEdits = edits;
        }

        @Override
        public Response beforeCommit(Response response) {
            if (ran == 0) {
                return response;
            }
            // Sentinel's stamp, before the reply adds to it: a replacement starts again from this.
            HttpFields stamp = response.getHeaders().asImmutable();
            return new Response.Wrapper(exchange, response) {
                private boolean applied;
                private boolean replaced;

                @Override
                public void write(boolean last, ByteBuffer content, Callback callback) {
                    if (!applied) {
                        applied = true;
                        apply(getWrapped());
                        Decision replacement = Replies.replacement(exchange);
                        if (replacement != null) {
                            // A response phase replaced the reply: none of its head or content may go out.
                            replaced = true;
                            HttpFields.Mutable headers = getWrapped().getHeaders();
                            headers.clear();
                            headers.add(stamp);
                            Replies.write(replacement, getWrapped(), callback, traceId);
                            return;
                        }
                    }
                    if (replaced) {
                        callback.succeeded();
                        return;
                    }
                    super.write(last, content, callback);
                }
            };
        }
    }
}
