package dev.sentinel.server.forward;

import dev.sentinel.server.filter.HeaderRules;
import dev.sentinel.spi.Exchange;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/** A balancer's view of the request being forwarded ({@link Exchange}); confined to the request's thread. */
final class UpstreamExchange implements Exchange {
    private final Request request;
    private final Response response;
    private final String routeId;
    private final String upstreamId;

    UpstreamExchange(Request request, Response response, String routeId, String upstreamId) {
        this.request = request;
        this.response = response;
        this.routeId = routeId;
        this.upstreamId = upstreamId;
    }

    @Override
    public String method() {
        return request.getMethod();
    }

    @Override
    public String path() {
        return request.getHttpURI().getPath();
    }

    @Override
    public String query() {
        return request.getHttpURI().getQuery();
    }

    @Override
    public String header(String name) {
        return request.getHeaders().get(name);
    }

    @Override
    public List<String> headers(String name) {
        return request.getHeaders().getValuesList(name);
    }

    /**
     * Read from the {@code Cookie} headers directly ({@code name=value} pairs separated by {@code ;}), so
     * that a malformed cookie elsewhere in the header, which a strict parser may refuse, cannot fail the
     * lookup of this one.
     */
    @Override
    public String cookie(String name) {
        for (String header : request.getHeaders().getValuesList(HttpHeader.COOKIE)) {
            for (String pair : header.split(";")) {
                int equals = pair.indexOf('=');
                if (equals > 0 && pair.substring(0, equals).trim().equals(name)) {
                    String value = pair.substring(equals + 1).trim();
                    boolean quoted = value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"");
                    return quoted ? value.substring(1, value.length() - 1) : value;
                }
            }
        }
        return null;
    }

    @Override
    public String clientAddress() {
        return Request.getRemoteAddr(request);
    }

    @Override
    public String routeId() {
        return routeId;
    }

    @Override
    public String upstreamId() {
        return upstreamId;
    }

    /** Added to the response's fields verbatim, as the upstream's {@code Set-Cookie} is. */
    @Override
    public void addResponseHeader(String name, String value) {
        HeaderRules.checkAddedResponseHeader(name, value);
        if (response.isCommitted()) {
            throw new IllegalStateException("the response is already committed");
        }
        response.getHeaders().add(name, value);
    }

    /** The path and query to send upstream, as the client sent them (still percent-encoded). */
    static String pathAndQuery(Request request) {
        HttpURI uri = request.getHttpURI();
        String query = uri.getQuery();
        return query == null ? uri.getPath() : uri.getPath() + "?" + query;
    }
}
