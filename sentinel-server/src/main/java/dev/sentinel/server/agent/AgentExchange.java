package dev.sentinel.server.agent;

import dev.sentinel.spi.Exchange;
import java.util.List;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * The request as an agent sees it: an immutable copy taken on the request's thread, so that a call still
 * running after its timeout reads nothing the request goes on changing, and holds nothing it could
 * change. {@link #addResponseHeader} goes to the call's own {@link CallEdits}, applied only on a timely
 * allow like every other change.
 */
final class AgentExchange implements Exchange {
    private final String method;
    private final String path;
    private final String query;
    private final HttpFields headers;
    private final List<HttpCookie> cookies;
    private final String clientAddress;
    private final String routeId;
    private final String upstreamId;
    private final CallEdits edits;

    private AgentExchange(AgentExchange copy, CallEdits edits) {
        this.method = copy.method;
        this.path = copy.path;
        this.query = copy.query;
        this.headers = copy.headers;
        this.cookies = copy.cookies;
        this.clientAddress = copy.clientAddress;
        this.routeId = copy.routeId;
        this.upstreamId = copy.upstreamId;
        this.edits = edits;
    }

    private AgentExchange(Exchange exchange, Request request) {
        this.method = exchange.method();
        this.path = exchange.path();
        this.query = exchange.query();
        this.headers = request.getHeaders().asImmutable();
        this.cookies = headers.contains(HttpHeader.COOKIE) ? List.copyOf(Request.getCookies(request)) : List.of();
        this.clientAddress = exchange.clientAddress();
        this.routeId = exchange.routeId();
        this.upstreamId = exchange.upstreamId();
        this.edits = null;
    }

    /** A copy of the request the filter chain is running; {@code exchange} is the chain's own. */
    static AgentExchange copyOf(Exchange exchange) {
        if (exchange instanceof Request request) {
            return new AgentExchange(exchange, request);
        }
        throw new IllegalArgumentException("not a request of Sentinel's filter chain: " + exchange);
    }

    /** This copy, for one call. */
    AgentExchange forCall(CallEdits callEdits) {
        return new AgentExchange(this, callEdits);
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String query() {
        return query;
    }

    @Override
    public String header(String name) {
        return headers.get(name);
    }

    @Override
    public List<String> headers(String name) {
        return headers.getValuesList(name);
    }

    @Override
    public String cookie(String name) {
        for (HttpCookie cookie : cookies) {
            if (cookie.getName().equals(name)) {
                return cookie.getValue();
            }
        }
        return null;
    }

    @Override
    public String clientAddress() {
        return clientAddress;
    }

    @Override
    public String routeId() {
        return routeId;
    }

    @Override
    public String upstreamId() {
        return upstreamId;
    }

    @Override
    public void addResponseHeader(String name, String value) {
        if (edits == null) {
            throw new IllegalStateException("not during an agent call");
        }
        edits.addResponseHeader(name, value);
    }

    @Override
    public void setResponseHeader(String name, String value) {
        if (edits == null) {
            throw new IllegalStateException("not during an agent call");
        }
        edits.setResponseHeader(name, value);
    }
}
